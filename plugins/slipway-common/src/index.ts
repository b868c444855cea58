/**
 * The Slipway service spec, shared by the template form, the scaffolder actions and the CLI.
 *
 * @packageDocumentation
 */
export * from './names';
export * from './spec';
export * from './catalogRelations';
export * from './messaging';
export * from './resolve';
export * from './resolveEnvironments';
export * from './resolvePodOptions';
export * from './resolveTls';
export * from './gatewayDataPlanes';
export * from './jsonSchema';
export * from './metrics';
export * from './goldenPath';
export * from './supplyChain';
export * from './system';
export type { ResolvedCi, ResolvedImage } from './resolveSupplyChain';
export { buildSupplyChain } from './resolveSupplyChain';
