export { Interner } from './interner.ts';
