import {
  entityRefKey,
  mergeEntityRefs,
  productionEnvironment,
  type CatalogRelations,
  type EnvironmentPodOptions,
  type PodOptionsInput,
  type ResolvedEnvironmentBase,
  type ResolvedGitops,
} from '@slipway/common';

/*
 * The part of a skeleton context every golden path shares: the labels every object carries,
 * the Argo CD selector, and the promotion order CI and the overlays follow. Each path's
 * golden-path.context.ts spreads these in and adds its own; the shared partials
 * (skeletons/_shared: the CI workflow, the labels) read only these names.
 */

/** Version of the Slipway skeletons, stamped into generated files (`slipway.dev/skeleton: <id>@<version>`). */
export const SLIPWAY_SKELETON_VERSION = '0.1.0';

/** The environments in promotion order, as the CI workflow and the overlays read them. */
export interface PromotionContext<E extends ResolvedEnvironmentBase> {
  /** The first environment in promotion order: deployed on every push to the branch. */
  firstEnvironment: E;
  /** The production tier: the last environment. Base files take its values (replicas, canary). */
  productionEnvironment: E;
  /** The environments after the first, in order: a v* tag promotes the branch's image through them. */
  promotedEnvironments: E[];
  /** The environment a v* tag promotes to first (its job looks up and retags the image), or undefined with one environment. */
  firstPromotion: E | undefined;
}

export function promotionContext<E extends ResolvedEnvironmentBase>(environments: readonly E[]): PromotionContext<E> {
  return {
    firstEnvironment: environments[0],
    productionEnvironment: productionEnvironment(environments),
    promotedEnvironments: environments.slice(1),
    firstPromotion: environments[1],
  };
}

/** What identifies a component's objects: its name, and the system it is part of. */
export interface ComponentIdentity {
  name: string;
  system?: string;
}

export interface ComponentLabelsContext {
  labels: {
    /** Labels on every object and pod template (selectors use `selector` only). */
    common: Record<string, string>;
    /** The stable subset used in selectors; never changes after the first deploy. */
    selector: Record<string, string>;
  };
  /** `app.kubernetes.io/part-of`: the system's name, or the component's own when it has none. */
  partOf: string;
  /** The Argo CD `app-selector` label pair, shared by the Applications and catalog-info. */
  argocdAppSelector: string;
  slipwayVersion: string;
}

/** The labels (`{{> shared/labels}}`) and selector a component's objects carry, and the catalog's Argo CD selector. */
export function componentLabelsContext(component: ComponentIdentity): ComponentLabelsContext {
  const selector = { 'app.kubernetes.io/name': component.name };
  const common: Record<string, string> = {
    ...selector,
    'app.kubernetes.io/part-of': component.system ? entityName(component.system) : component.name,
    'app.kubernetes.io/managed-by': 'slipway',
    'backstage.io/kubernetes-id': component.name,
  };
  return {
    labels: { common, selector },
    partOf: common['app.kubernetes.io/part-of'],
    argocdAppSelector: `backstage.io/kubernetes-id=${component.name}`,
    slipwayVersion: SLIPWAY_SKELETON_VERSION,
  };
}

/** Where the repo's manifests live, as the Argo CD Applications, the CI workflow and catalog-info.yaml read it. */
export interface DeployTreeContext {
  deployTree: {
    /** The repo Argo CD syncs the manifests from: this repo, or the system's config repo. */
    repoUrl: string;
    branch: string;
    /** The folder of that repo holding base/, overlays/ and argocd/: `deploy`, or `apps/<part>` in a config repo. */
    path: string;
    /**
     * The config repo CI bumps images in, or false when the manifests are in this repo's deploy/.
     * `owner` and `name` are what actions/checkout's `repository` and the GitHub App token's
     * `owner`/`repositories` take; `browseUrl` is the web page of the manifests' folder.
     */
    configRepo: false | { owner: string; name: string; browseUrl: string };
    /** With a config repo: the production tier, whose bump CI opens as a pull request (the others are commits). */
    pullRequestEnvironment?: string;
  };
}

export function deployTreeContext(gitops: ResolvedGitops, environments: readonly ResolvedEnvironmentBase[]): DeployTreeContext {
  const manifests = gitops.manifests;
  if (!manifests) return { deployTree: { repoUrl: gitops.repoUrl, branch: gitops.branch, path: 'deploy', configRepo: false } };
  // https://host/<owner>/<name>(.git) or git@host:<owner>/<name>(.git): the last two segments.
  const segments = browseUrl(manifests.repoUrl).split(/[/:]/);
  const [owner, name] = segments.slice(-2);
  return {
    deployTree: {
      ...manifests,
      configRepo: { owner, name, browseUrl: `${browseUrl(manifests.repoUrl)}/tree/${manifests.branch}/${manifests.path}` },
      pullRequestEnvironment: productionEnvironment(environments).name,
    },
  };
}

/** docs/alerts.md as a browser shows it: every alert's runbook_url points at one of its sections. */
export function alertsRunbookUrl(gitops: { repoUrl: string; branch: string }): string {
  return `${browseUrl(gitops.repoUrl)}/blob/${gitops.branch}/docs/alerts.md`;
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

/** A variable a CronJob's container reads from a Secret (an operator's or an ExternalSecret's, never Git). */
export interface SecretEnv {
  name: string;
  secretName: string;
  key: string;
  /** One line for the manifest: where the Secret comes from. */
  why: string;
}

/** What the shared pod-option partials read (config-*, sidecars, cronjobs, readme-*). */
export interface PodOptionsContext {
  /** config.env or an environment's override sets a variable: the pods read the `<name>-env` ConfigMap. */
  configEnv: boolean;
  /** config.files or an environment's override has a file: the pods mount the `<name>-files` ConfigMap. */
  configFiles: boolean;
  /** Either of the two: the base generates ConfigMaps (and teaches kustomize the Rollout's references to them). */
  configMaps: boolean;
  /** What every CronJob's container gets from Secrets besides config. */
  cronJobSecretEnv: SecretEnv[];
}

export function podOptionsContext(
  spec: Pick<PodOptionsInput, 'config'> & { environments: readonly EnvironmentPodOptions[] },
  cronJobSecretEnv: SecretEnv[] = [],
): PodOptionsContext {
  const any = (part: 'env' | 'files') =>
    Object.keys(spec.config[part]).length > 0 || spec.environments.some(environment => Object.keys(environment.configOverrides[part]).length > 0);
  const configEnv = any('env');
  const configFiles = any('files');
  return { configEnv, configFiles, configMaps: configEnv || configFiles, cronJobSecretEnv };
}

/** What the Component's relations (`{{> shared/catalog-relations}}`) and its own API entity read. */
export interface CatalogEntityContext {
  /** spec.dependsOn, consumesApis and providesApis as catalog-info.yaml writes them: the path's own, then spec.catalog's, each entity once ([] for none). */
  catalogRelations: CatalogRelations;
  /** The component's own API entity (`api:<name>`), registered beside it when spec.catalog.providesApis names it and the path describes its API; else false. */
  ownApi: { name: string; definition: string } | false;
}

/**
 * The path's own relations (a database, a broker, the backends it proxies) merged with the
 * spec's (a system's edges), de-duplicated the way the catalog keys references: `resource:db`
 * and `resource:default/db` are one entity. dependsOn has no default kind in Backstage, so both
 * sides write it; API references default to kind API (BuiltinKindsEntityProcessor).
 * `apiDefinition` is where the path's API document is, relative to catalog-info.yaml
 * (Backstage's `$text` placeholder reads it from the same repository); without one the path
 * has no API of its own to register.
 */
export function catalogEntityContext(
  spec: { name: string; catalog: CatalogRelations },
  own: { dependsOn?: readonly string[]; apiDefinition?: string } = {},
): CatalogEntityContext {
  const providesApis = mergeEntityRefs([spec.catalog.providesApis], 'api');
  const ownApiKey = entityRefKey(`api:${spec.name}`);
  const providesOwn = providesApis.some(ref => entityRefKey(ref, 'api') === ownApiKey);
  return {
    catalogRelations: {
      dependsOn: mergeEntityRefs([own.dependsOn ?? [], spec.catalog.dependsOn]),
      consumesApis: mergeEntityRefs([spec.catalog.consumesApis], 'api'),
      providesApis,
    },
    ownApi: providesOwn && own.apiDefinition !== undefined ? { name: spec.name, definition: own.apiDefinition } : false,
  };
}

/**
 * A backing service a golden path runs from its chart through an Argo CD Application (NATS,
 * Redis; skeletons/_backing-services/README.md, "Context"): where the Application lives and
 * deploys, the DNS egress of its pods, and the store its users' passwords come from, at
 * `<keyPrefix>/<user>` with the default key prefix `<system or component>/<environment>/<service>`,
 * which every repo with a user on the service derives alike.
 */
export interface ChartBackingContext {
  application: { name: string };
  /** The environment the chart's Application deploys to. */
  environmentName: string;
  /** With `system`: the chart's Application is in the system's app-of-apps, at its holder's wave. */
  argocd: { namespace: string; project: string; system?: { name: string; wave: number } };
  destination: { server: string };
  dns: unknown;
  secretStore: { kind: string; name: string; keyPrefix: string };
}

export function chartBackingContext(
  component: { name: string; system?: string; argocd: ChartBackingContext['argocd']; dns: unknown },
  environment: { name: string; cluster: string },
  service: string,
  store: { kind: string; name: string; keyPrefix?: string },
): ChartBackingContext {
  const owner = component.system ? entityName(component.system) : component.name;
  return {
    application: { name: `${service}-${environment.name}` },
    environmentName: environment.name,
    argocd: component.argocd,
    destination: { server: environment.cluster },
    dns: component.dns,
    secretStore: { kind: store.kind, name: store.name, keyPrefix: store.keyPrefix ?? `${owner}/${environment.name}/${service}` },
  };
}

/** Each user of a chart-run service with `passwordKey`, where its password is in the store (the server's `credentials` partial reads it). */
export function storeUsers<C extends { name: string }>(clients: readonly C[], keyPrefix: string): Array<C & { passwordKey: string }> {
  return clients.map(client => ({ ...client, passwordKey: `${keyPrefix}/${client.name}` }));
}
