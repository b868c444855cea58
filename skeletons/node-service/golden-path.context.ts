import {
  DerivedNames,
  ServiceSpec,
  durationBucketsFor,
} from '@slipway/common';
import {
  alertsRunbookUrl,
  deployTreeContext,
  type DeployTreeContext,
  catalogEntityContext,
  componentLabelsContext,
  podOptionsContext,
  promotionContext,
  type CatalogEntityContext,
  type ComponentLabelsContext,
  type PodOptionsContext,
  type PromotionContext,
} from '../_shared/golden-path.context';
import { createMessagingContext, type MessagingContext } from './golden-path.messaging';
import { SERVICE_METRICS, serviceMetricsContract } from './golden-path.metrics';

export { SLIPWAY_SKELETON_VERSION, browseUrl, entityName } from '../_shared/golden-path.context';

/**
 * What every skeleton file sees. Skeletons read `spec.*` for the resolved spec,
 * `names.*` for derived object names and `labels.*` for the label sets.
 */
/** A node-service environment: the shared resolution plus its pod options (config overrides, CronJobs). */
export type NodeServiceEnvironment = ServiceSpec['environments'][number];

export interface SkeletonContext extends PromotionContext<NodeServiceEnvironment>, ComponentLabelsContext, PodOptionsContext, CatalogEntityContext, DeployTreeContext {
  spec: ServiceSpec;
  names: DerivedNames;
  /** True when `spec.database` is `postgres`: the service talks to PostgreSQL (its own cluster or postgres.external). */
  postgres: boolean;
  /** `{{#if ownDatabase}}`: the repo runs the CloudNativePG cluster (Cluster, backup, its ingress policy). */
  ownDatabase: boolean;
  /** `{{#if migrationJob}}`: the migration Job runs before each rollout (postgres.migrations; default: only for the service's own cluster). */
  migrationJob: boolean;
  /**
   * The key of `<cluster>-app` DATABASE_URL reads: `uri` for the service's own cluster (as always);
   * `fqdn-uri` (CloudNativePG 1.25+) for one held elsewhere, the key the system resolver and the
   * backing-services client partial name, so a system's address is fully qualified.
   */
  databaseUrlKey: 'uri' | 'fqdn-uri';
  /** The other clients the service's own cluster admits on 5432 (postgres.clients), pod labels defaulted. */
  databaseClients: Array<{ name: string; podLabels: Record<string, string> }>;
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

/** The service's OpenAPI document (openapi.yaml.hbs), relative to catalog-info.yaml. */
export const OPENAPI_DEFINITION = './openapi.yaml';

/** The same for every service with the same clients: serialised once per variant, not on every render. */
const METRICS_CONTRACT_JSON = new Map<string, string>();
function metricsContractJson(has: { publishes: boolean; cache: boolean }): string {
  const key = `${has.publishes}/${has.cache}`;
  let json = METRICS_CONTRACT_JSON.get(key);
  if (json === undefined) METRICS_CONTRACT_JSON.set(key, (json = `${JSON.stringify(serviceMetricsContract(has), null, 2)}\n`));
  return json;
}

export function createSkeletonContext(spec: ServiceSpec): SkeletonContext {
  const postgres = spec.database === 'postgres';
  const ownDatabase = postgres && spec.postgres.external === undefined;
  const databaseUrlKey = ownDatabase ? 'uri' : 'fqdn-uri';
  const labels = componentLabelsContext(spec);
  const messaging = createMessagingContext(spec, labels.labels.common);
  return {
    spec,
    names: spec.names,
    postgres,
    ownDatabase,
    // A service that does not hold the database does not own its schema: its holder migrates it.
    migrationJob: postgres && (spec.postgres.migrations ?? ownDatabase),
    databaseUrlKey,
    databaseClients: ownDatabase
      ? spec.postgres.clients.map(client => ({ name: client.name, podLabels: client.podLabels ?? { 'app.kubernetes.io/name': client.name } }))
      : [],
    ...podOptionsContext(
      spec,
      postgres
        ? [{ name: 'DATABASE_URL', secretName: `${spec.names.databaseCluster}-app`, key: databaseUrlKey, why: 'Written by the CloudNativePG operator; no credential is stored in Git.' }]
        : [],
    ),
    ...promotionContext(spec.environments),
    metrics: {
      ...SERVICE_METRICS,
      durationBucketsSeconds: durationBucketsFor(spec.analysis.p95LatencyMs),
      contractJson: metricsContractJson({ publishes: spec.publishes !== undefined, cache: spec.cache !== undefined }),
    },
    alertsRunbookUrl: alertsRunbookUrl(spec.gitops),
    ...deployTreeContext(spec.gitops, spec.environments),
    ...labels,
    ...messaging,
    // The database, broker and cache the service talks to, and its API (openapi.yaml, rendered when providesApis names it).
    ...catalogEntityContext(spec, {
      dependsOn: [
        ...(postgres ? [`resource:${spec.names.databaseCluster}`] : []),
        ...(spec.publishes ? [`resource:${spec.publishes.external.name}`] : []),
        ...(messaging.cache ? [`resource:${messaging.cache.name}`] : []),
      ],
      apiDefinition: OPENAPI_DEFINITION,
    }),
  };
}
