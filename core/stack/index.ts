export { stackUp, stackDown, stackStatus, stackReset, StackError } from './stack.ts';
export type { ServiceStatus, UpResult, DownResult, ResetResult } from './stack.ts';
export { deleteKeys, stopService } from './stack.ts';
export type { ServiceName } from './services.ts';
