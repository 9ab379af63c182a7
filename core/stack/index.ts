export { stackUp, stackDown, stackStatus, stackReset, StackError } from './stack.ts';
export type { ServiceStatus, UpResult, DownResult, ResetResult } from './stack.ts';
export { deleteKeys } from './stack.ts';
