export { TallylineError, httpStatusOf, statusText, exitCodeOf, type ErrorKind } from './coded-error.ts';
