/** The card's pure model: Kubernetes backend response → environment rows. No React. */
export * from './types';
export { buildStatusModel, clusterProblemOf, deployedImage, expectedEnvironmentsOf } from './buildStatusModel';
export type { CommitsAhead, EntityLike, StatusModelInput } from './buildStatusModel';
export type { ClusterFetchError, ClusterObjectsLike, FetchResponseLike, KubeObject, ObjectsResponse } from './kube';
export {
  ENVIRONMENT_LABEL,
  ENVIRONMENTS_ANNOTATION,
  KUBERNETES_ID_LABEL,
  MANIFESTS_LOCATION_ANNOTATION,
  PROJECT_SLUG_ANNOTATION,
} from './kube';
export { commitOfTag, commitUrl, parseImage, sameImage } from './images';
export {
  formatThreshold,
  formatValue,
  metricThreshold,
  parseCondition,
  parseMeasurement,
  summariseAnalysisRun,
  unitOfMetric,
} from './analysis';
export type { Comparator, MetricUnit, Threshold } from './analysis';
export { isAppOfApps, summariseApplication } from './argocd';
export { canaryStep, currentSetWeight, describeStep, isAborted, rolloutPhase, summariseRollout } from './rollout';
export { podProblem, summarisePods } from './pods';
