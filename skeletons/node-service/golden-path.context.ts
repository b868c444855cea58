import {
  DerivedNames,
  ResolvedEnvironment,
  ServiceSpec,
  durationBucketsFor,
  productionEnvironment,
} from '@slipway/common';
import { SERVICE_METRICS, SERVICE_METRICS_CONTRACT } from './golden-path.metrics';

/**
 * What every skeleton file sees. Skeletons read `spec.*` for the resolved spec,
 * `names.*` for derived object names and `labels.*` for the label sets.
 */
export interface SkeletonContext {
  spec: ServiceSpec;
  names: DerivedNames;
  /** True when `spec.database` is `postgres`. */
  postgres: boolean;
  /** The first environment in promotion order: deployed on every push to the branch. */
  firstEnvironment: ResolvedEnvironment;
  /** The production tier: the last environment. Base files take its values (replicas, host, canary). */
  productionEnvironment: ResolvedEnvironment;
  /** The environments after the first, in order: a v* tag promotes the branch's image through them. */
  promotedEnvironments: ResolvedEnvironment[];
  /** The environment a v* tag promotes to first (its job looks up and retags the image), or undefined with one environment. */
  firstPromotion: ResolvedEnvironment | undefined;
  metrics: typeof SERVICE_METRICS & {
    durationBucketsSeconds: number[];
    /** The metrics contract as the generated repo's `src/metrics.contract.json` holds it. */
    contractJson: string;
  };
  /** docs/alerts.md as a browser shows it; every alert's runbook_url points at one of its sections. */
  alertsRunbookUrl: string;
  labels: {
    /** Labels on every object and pod template (selectors use `selector` only). */
    common: Record<string, string>;
    /** The stable subset used in selectors; never changes after the first deploy. */
    selector: Record<string, string>;
  };
  /** `app.kubernetes.io/part-of`: the system's name, or the service's own when it has none. */
  partOf: string;
  /** The Argo CD `app-selector` label pair, shared by the Applications and catalog-info. */
  argocdAppSelector: string;
  /** Version of the Slipway skeleton, stamped into generated files. */
  slipwayVersion: string;
}

/** What a file whose path holds `[environment]` sees: the context plus the environment it is rendered for. */
export interface EnvironmentContext extends SkeletonContext {
  environment: ResolvedEnvironment;
}

export const SLIPWAY_SKELETON_VERSION = '0.1.0';

/** The same for every service: serialised once, not on every render. */
const METRICS_CONTRACT_JSON = `${JSON.stringify(SERVICE_METRICS_CONTRACT, null, 2)}\n`;

export function createSkeletonContext(spec: ServiceSpec): SkeletonContext {
  const selector = { 'app.kubernetes.io/name': spec.name };
  const common: Record<string, string> = {
    ...selector,
    'app.kubernetes.io/part-of': spec.system ? entityName(spec.system) : spec.name,
    'app.kubernetes.io/managed-by': 'slipway',
    'backstage.io/kubernetes-id': spec.name,
  };
  return {
    spec,
    names: spec.names,
    postgres: spec.database === 'postgres',
    firstEnvironment: spec.environments[0],
    productionEnvironment: productionEnvironment(spec.environments),
    promotedEnvironments: spec.environments.slice(1),
    firstPromotion: spec.environments[1],
    metrics: {
      ...SERVICE_METRICS,
      durationBucketsSeconds: durationBucketsFor(spec.analysis.p95LatencyMs),
      contractJson: METRICS_CONTRACT_JSON,
    },
    alertsRunbookUrl: `${browseUrl(spec.gitops.repoUrl)}/blob/${spec.gitops.branch}/docs/alerts.md`,
    labels: { common, selector },
    partOf: common['app.kubernetes.io/part-of'],
    argocdAppSelector: `backstage.io/kubernetes-id=${spec.name}`,
    slipwayVersion: SLIPWAY_SKELETON_VERSION,
  };
}

/**
 * The web address of a Git repository: `git@host:org/repo.git` and `https://host/org/repo.git`
 * both become `https://host/org/repo` (GitHub, Gitea and Forgejo serve files under `/blob/<branch>/`).
 */
export function browseUrl(repoUrl: string): string {
  const scp = /^git@([^:]+):(.+)$/.exec(repoUrl);
  const url = scp ? `https://${scp[1]}/${scp[2]}` : repoUrl;
  return url.replace(/\.git$/, '').replace(/\/+$/, '');
}

/** `system:default/payments` → `payments`: label values cannot hold ':' or '/'. */
export function entityName(ref: string): string {
  return ref.replace(/^[^:/]*:/, '').replace(/^.*\//, '');
}
