/** Helpers shared by the policy and reference checks: object sets, pod templates, selectors, problems. */
export * from './json';
export * from './objectSets';
export * from './problems';
export * from './selectors';
export * from './networkPolicies';
export * from './workloads';
export * from './yamlFiles';
export * from './rollouts';
export * from './argocd';
export * from './memo';
