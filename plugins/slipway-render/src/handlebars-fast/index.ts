export { FastCompiler, BAIL } from './compile';
export type { FastTemplate, HelperFunction, PartialSource } from './compile';
