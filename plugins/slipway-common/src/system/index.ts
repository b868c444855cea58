/** Systems: golden-path parts, backing resources and the edges between them, resolved into their wiring. */
export * from './systemSpec';
export * from './types';
export * from './wiring';
export { POD_SECURITY_ENFORCE_LABEL, resolveSystem, type ResolveSystemOptions, type SystemResult } from './resolveSystem';
export { CLUSTER_DOMAIN, IN_CLUSTER_SERVER } from './resolveAddresses';
export { RESOURCE_WAVE, FIRST_PART_WAVE, partDependencies, type WaveEdge } from './resolveWaves';
export { apiEntityRef, systemEntityRef } from './resolveCatalog';
export { defaultUrlEnv, edgeId } from './edges';
export { wiringChanges, type EndWiringChange } from './diffWiring';
export { partPeers } from './peers';
export { partValues, type PartValuesResult } from './partValues';
