import {
  DerivedNames,
  ServiceSpec,
  durationBucketsFor,
} from '@slipway/common';
import {
  alertsRunbookUrl,
  componentLabelsContext,
  podOptionsContext,
  promotionContext,
  type ComponentLabelsContext,
  type PodOptionsContext,
  type PromotionContext,
} from '../_shared/golden-path.context';
import { SERVICE_METRICS, SERVICE_METRICS_CONTRACT } from './golden-path.metrics';

export { SLIPWAY_SKELETON_VERSION, browseUrl, entityName } from '../_shared/golden-path.context';

/**
 * What every skeleton file sees. Skeletons read `spec.*` for the resolved spec,
 * `names.*` for derived object names and `labels.*` for the label sets.
 */
/** A node-service environment: the shared resolution plus its pod options (config overrides, CronJobs). */
export type NodeServiceEnvironment = ServiceSpec['environments'][number];

export interface SkeletonContext extends PromotionContext<NodeServiceEnvironment>, ComponentLabelsContext, PodOptionsContext {
  spec: ServiceSpec;
  names: DerivedNames;
  /** True when `spec.database` is `postgres`. */
  postgres: boolean;
  metrics: typeof SERVICE_METRICS & {
    durationBucketsSeconds: number[];
    /** The metrics contract as the generated repo's `src/metrics.contract.json` holds it. */
    contractJson: string;
  };
  /** docs/alerts.md as a browser shows it; every alert's runbook_url points at one of its sections. */
  alertsRunbookUrl: string;
}

/** What a file whose path holds `[environment]` sees: the context plus the environment it is rendered for. */
export interface EnvironmentContext extends SkeletonContext {
  environment: NodeServiceEnvironment;
}

/** The same for every service: serialised once, not on every render. */
const METRICS_CONTRACT_JSON = `${JSON.stringify(SERVICE_METRICS_CONTRACT, null, 2)}\n`;

export function createSkeletonContext(spec: ServiceSpec): SkeletonContext {
  return {
    spec,
    names: spec.names,
    postgres: spec.database === 'postgres',
    ...podOptionsContext(
      spec,
      spec.database === 'postgres'
        ? [{ name: 'DATABASE_URL', secretName: `${spec.names.databaseCluster}-app`, key: 'uri', why: 'Written by the CloudNativePG operator; no credential is stored in Git.' }]
        : [],
    ),
    ...promotionContext(spec.environments),
    metrics: {
      ...SERVICE_METRICS,
      durationBucketsSeconds: durationBucketsFor(spec.analysis.p95LatencyMs),
      contractJson: METRICS_CONTRACT_JSON,
    },
    alertsRunbookUrl: alertsRunbookUrl(spec.gitops),
    ...componentLabelsContext(spec),
  };
}
