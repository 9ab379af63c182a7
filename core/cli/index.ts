// What every component's commands stand on: the context, coded errors, output, serving.
export { CliContext, CliError } from './context.ts';
export { printJson, printTable } from './output.ts';
export { serveUntilSignal, type Stoppable } from './serve.ts';
