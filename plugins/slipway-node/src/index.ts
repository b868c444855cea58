/**
 * Slipway's Node engine: one renderer and one validation pipeline, shared by the
 * scaffolder actions, the CLI and the tests.
 *
 * @packageDocumentation
 */
export * from './render/renderer';
export * from './render/context';
export * from './render/write';
export * from './validate';
export * from './promql';
export * from './argoExpr';
export * from './git';
export { reconcileLockfile, reconcileLockfileContent, LockfileError } from './lockfile';
export * from './publishers';
export { duplicateKeys, describeDuplicateKey, type DuplicateKey } from './yaml/duplicateKeys';
