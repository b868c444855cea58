/**
 * The Kubernetes backend's answer for one entity → one row per environment.
 *
 * Objects are grouped by their `slipway.dev/environment` label (every object and pod
 * template Slipway generates carries it); objects without the label are attributed
 * through their owner (pod → ReplicaSet → Rollout, AnalysisRun → Rollout), then by
 * namespace. A row is an (environment, cluster) pair: the same environment in two
 * clusters gives two rows. Argo CD Applications usually live in another namespace
 * (argocd) and possibly another cluster, so they are joined to rows by environment.
 */
import { newestFirst, summariseAnalysisRun } from './analysis';
import { isAppOfApps, summariseApplication } from './argocd';
import { parseImage, sameImage } from './images';
import {
  arr,
  asKubeObject,
  ClusterObjectsLike,
  ENVIRONMENT_LABEL,
  ENVIRONMENTS_ANNOTATION,
  get,
  isOwnedBy,
  KUBERNETES_ID_LABEL,
  KubeObject,
  labelsOf,
  num,
  ObjectsResponse,
  POD_TEMPLATE_HASH_LABEL,
  MANIFESTS_LOCATION_ANNOTATION,
  PROJECT_SLUG_ANNOTATION,
  sameNamespace,
  str,
} from './kube';
import { summarisePods } from './pods';
import { isAborted, summariseRollout } from './rollout';
import {
  ClusterProblem,
  DeployedImage,
  EnvironmentComparison,
  EnvironmentRow,
  StatusModel,
} from './types';

/**
 * How many commits `head` has that `base` lacks (`git rev-list --count base..head`), or
 * undefined when unknown. Slipway has no such source today; the card passes none and
 * says "differs".
 */
export type CommitsAhead = (base: string, head: string) => number | undefined;

/** The parts of a catalog entity the model reads. */
export interface EntityLike {
  metadata: { name: string; annotations?: Record<string, string> };
}

export interface StatusModelInput {
  /** `useKubernetesObjects(entity).kubernetesObjects`. */
  response: ObjectsResponse;
  entity?: EntityLike;
  /** Overrides the entity's `slipway.dev/environments` annotation: the environments in promotion order. */
  expectedEnvironments?: string[];
  /** Names from `kubernetesApi.getClusters()`, when known: tells "no cluster configured" from "nothing deployed". */
  configuredClusters?: string[];
  commitsAhead?: CommitsAhead;
}

interface Bucket {
  cluster: string;
  pods: KubeObject[];
  replicasets: KubeObject[];
  services: KubeObject[];
  rollouts: KubeObject[];
  analysisruns: KubeObject[];
  applications: KubeObject[];
  failed: Set<string>;
}

const CUSTOM_KINDS: Record<string, keyof Pick<Bucket, 'rollouts' | 'analysisruns' | 'applications'>> = {
  Rollout: 'rollouts',
  AnalysisRun: 'analysisruns',
  Application: 'applications',
};

/** Kinds without which a missing environment cannot be called "not deployed". */
const ESSENTIAL = new Set(['pods', 'replicasets', 'rollouts', 'applications', 'deployments']);

export function expectedEnvironmentsOf(entity: EntityLike | undefined): string[] {
  const value = entity?.metadata.annotations?.[ENVIRONMENTS_ANNOTATION];
  if (!value) return [];
  return [...new Set(value.split(',').map(env => env.trim()).filter(Boolean))];
}

function objectsOf(group: { resources: readonly unknown[] }): KubeObject[] {
  return arr(group.resources as unknown[])
    .map(asKubeObject)
    .filter((o): o is KubeObject => o !== undefined);
}

function bucketOf(item: ClusterObjectsLike): Bucket {
  const bucket: Bucket = {
    cluster: item.cluster.name,
    pods: [],
    replicasets: [],
    services: [],
    rollouts: [],
    analysisruns: [],
    applications: [],
    failed: new Set(),
  };
  for (const group of item.resources ?? []) {
    const objects = objectsOf(group);
    if (group.type === 'pods' || group.type === 'replicasets' || group.type === 'services') {
      bucket[group.type].push(...objects);
    } else if (group.type === 'customresources') {
      for (const object of objects) {
        const key = object.kind ? CUSTOM_KINDS[object.kind] : undefined;
        if (key) bucket[key].push(object);
      }
    }
  }
  for (const error of item.errors ?? []) {
    const plural = error.resourcePath?.split('/').filter(Boolean).pop();
    if (plural) bucket.failed.add(plural);
  }
  return bucket;
}

const HINTS = {
  unreachable:
    "Backstage's Kubernetes backend could not connect. Check the cluster's url in kubernetes.clusterLocatorMethods; with authProvider localKubectlProxy, check that `kubectl proxy` is running.",
  unauthorized: 'The cluster rejected the credentials: check the service account token (serviceAccountToken) or authProvider.',
  forbidden:
    'Grant the service account get and list on these resources (see examples/kubernetes/backstage-reader.yaml).',
  notFound: 'The API is missing in this cluster: is the CRD (Argo Rollouts / Argo CD) installed?',
  error: 'See the Kubernetes backend logs for the response body.',
};

export function clusterProblemOf(item: ClusterObjectsLike): ClusterProblem | undefined {
  const errors = item.errors ?? [];
  if (errors.length === 0) return undefined;
  const cluster = item.cluster.title ?? item.cluster.name;
  const fetchError = errors.find(error => error.errorType === 'FETCH_ERROR');
  if (fetchError) {
    return {
      cluster,
      kind: 'unreachable',
      message: `unreachable: ${fetchError.message ?? 'connection failed'}`,
      resources: [],
      hint: HINTS.unreachable,
    };
  }
  const byStatus = new Map<string, string[]>();
  for (const error of errors) {
    const key = error.statusCode !== undefined ? String(error.statusCode) : error.errorType;
    const plural = error.resourcePath?.split('/').filter(Boolean).pop() ?? 'resources';
    byStatus.set(key, [...(byStatus.get(key) ?? []), plural]);
  }
  const resources = [...new Set([...byStatus.values()].flat())];
  const parts = [...byStatus.entries()].map(([status, plurals]) => `${describeStatus(status)} listing ${[...new Set(plurals)].join(', ')}`);
  const kind: ClusterProblem['kind'] = byStatus.has('401') || byStatus.has('UNAUTHORIZED_ERROR')
    ? 'unauthorized'
    : byStatus.has('403')
      ? 'forbidden'
      : 'error';
  const hint =
    kind === 'unauthorized'
      ? HINTS.unauthorized
      : kind === 'forbidden'
        ? HINTS.forbidden
        : byStatus.has('404') || byStatus.has('NOT_FOUND')
          ? HINTS.notFound
          : HINTS.error;
  return { cluster, kind, message: parts.join('; '), resources, hint };
}

function describeStatus(status: string): string {
  switch (status) {
    case '401':
      return '401 Unauthorized';
    case '403':
      return '403 Forbidden';
    case '404':
      return '404 Not Found';
    case '500':
      return '500 Internal Server Error';
    default:
      return status;
  }
}

/** The environment label, else the owner's, else the namespace. */
function environmentResolver(bucket: Bucket) {
  const own = (object: KubeObject) => labelsOf(object)[ENVIRONMENT_LABEL];
  const viaOwner = (object: KubeObject, owners: KubeObject[], kind: string) => {
    const owner = owners.find(candidate => sameNamespace(candidate, object) && isOwnedBy(object, candidate, kind));
    return owner ? own(owner) : undefined;
  };
  const fallback = (object: KubeObject) => object.metadata?.namespace;
  return {
    rollout: (o: KubeObject) => own(o) ?? fallback(o),
    replicaset: (o: KubeObject) => own(o) ?? viaOwner(o, bucket.rollouts, 'Rollout') ?? fallback(o),
    pod: (o: KubeObject) =>
      own(o) ??
      (() => {
        const rs = bucket.replicasets.find(r => sameNamespace(r, o) && isOwnedBy(o, r, 'ReplicaSet'));
        return rs ? own(rs) ?? viaOwner(rs, bucket.rollouts, 'Rollout') : undefined;
      })() ??
      fallback(o),
    analysisrun: (o: KubeObject) => own(o) ?? viaOwner(o, bucket.rollouts, 'Rollout') ?? fallback(o),
    service: (o: KubeObject) => own(o) ?? fallback(o),
  };
}

function applicationEnvironment(application: KubeObject, kubernetesId: string | undefined): string | undefined {
  const label = labelsOf(application)[ENVIRONMENT_LABEL];
  if (label) return label;
  const name = application.metadata?.name ?? '';
  if (kubernetesId && name.startsWith(`${kubernetesId}-`)) return name.slice(kubernetesId.length + 1);
  return str(get(application.spec, 'destination', 'namespace'));
}

function firstContainerImage(podSpec: unknown): string | undefined {
  return str(get(podSpec, 'containers', 0, 'image'));
}

function hashOf(object: KubeObject): string | undefined {
  return labelsOf(object)[POD_TEMPLATE_HASH_LABEL];
}

function isLivePod(pod: KubeObject): boolean {
  const phase = get(pod.status, 'phase');
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** Running image per pod-template hash: pods first, then ReplicaSets. */
function imageForHash(
  hash: string | undefined,
  pods: KubeObject[],
  replicasets: KubeObject[],
): { image: string; source: 'pods' | 'replicasets'; running: boolean } | undefined {
  if (!hash) return undefined;
  const pod = pods.find(p => hashOf(p) === hash && isLivePod(p));
  const podImage = pod && firstContainerImage(pod.spec);
  if (podImage) return { image: podImage, source: 'pods', running: true };
  const rs = replicasets.find(r => hashOf(r) === hash);
  const rsImage = rs && firstContainerImage(get(rs.spec, 'template', 'spec'));
  if (rsImage) {
    const replicas = num(get(rs.status, 'replicas')) ?? num(get(rs.spec, 'replicas')) ?? 0;
    return { image: rsImage, source: 'replicasets', running: replicas > 0 };
  }
  return undefined;
}

export function deployedImage(
  rollout: KubeObject | undefined,
  replicasets: KubeObject[],
  pods: KubeObject[],
  projectSlug?: string,
): DeployedImage | undefined {
  const parse = (image: string) => parseImage(image, projectSlug);
  const desired = rollout ? firstContainerImage(get(rollout.spec, 'template', 'spec')) : undefined;

  if (!rollout) {
    // No Rollout (another kind of workload): the image most pods run.
    const counts = new Map<string, number>();
    for (const pod of pods.filter(isLivePod)) {
      const image = firstContainerImage(pod.spec);
      if (image) counts.set(image, (counts.get(image) ?? 0) + 1);
    }
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    if (top) return { stable: parse(top[0]), source: 'pods' };
    const rsImage = replicasets.map(rs => firstContainerImage(get(rs.spec, 'template', 'spec'))).find(Boolean);
    return rsImage ? { stable: parse(rsImage), source: 'replicasets' } : undefined;
  }

  const stableHash = str(get(rollout.status, 'stableRS')) ?? str(get(rollout.status, 'canary', 'stableRS'));
  const currentHash = str(get(rollout.status, 'currentPodHash'));
  const aborted = isAborted(rollout);
  const stable = imageForHash(stableHash ?? currentHash, pods, replicasets);
  const result: DeployedImage = stable
    ? { stable: parse(stable.image), source: stable.source }
    : desired
      ? { stable: parse(desired), source: 'rollout' }
      : { source: 'rollout' };

  if (currentHash && stableHash && currentHash !== stableHash) {
    const canary = imageForHash(currentHash, pods, replicasets);
    if (canary?.running && !aborted) result.canary = parse(canary.image);
  }
  if (desired && stable && !result.canary) {
    const desiredRef = parse(desired);
    if (result.stable && !sameImage(desiredRef, result.stable)) result.desiredNotRunning = desiredRef;
  }
  return result;
}

function hasRolloutOwner(object: KubeObject): boolean {
  return (object.metadata?.ownerReferences ?? []).some(ref => ref.kind === 'Rollout');
}

function pickPrimary(rollouts: KubeObject[], kubernetesId: string | undefined): KubeObject | undefined {
  return rollouts.find(r => r.metadata?.name === kubernetesId) ?? [...rollouts].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
}

function compareEnvironments(
  downstream: EnvironmentRow,
  upstream: EnvironmentRow,
  commitsAhead: CommitsAhead | undefined,
): EnvironmentComparison | undefined {
  const down = downstream.image?.stable;
  const up = upstream.image?.stable;
  if (!down || !up) return undefined;
  const against = upstream.environment;
  if (sameImage(down, up)) return { against, relation: 'same', text: `same image as ${against}` };
  if (commitsAhead && down.commit && up.commit) {
    const ahead = commitsAhead(down.commit, up.commit);
    if (ahead !== undefined && ahead > 0) {
      return { against, relation: 'ahead', commits: ahead, text: `${against} is ${ahead} commit${ahead === 1 ? '' : 's'} ahead` };
    }
    const behind = commitsAhead(up.commit, down.commit);
    if (behind !== undefined && behind > 0) {
      return { against, relation: 'behind', commits: -behind, text: `${against} is ${behind} commit${behind === 1 ? '' : 's'} behind` };
    }
  }
  return { against, relation: 'differs', text: `differs from ${against} (${down.label} vs ${up.label})` };
}

function sortRows(rows: EnvironmentRow[], expected: string[]): EnvironmentRow[] {
  const rank = (env: string) => {
    const index = expected.indexOf(env);
    return index >= 0 ? index : expected.length;
  };
  return [...rows].sort(
    (a, b) =>
      rank(a.environment) - rank(b.environment) ||
      a.environment.localeCompare(b.environment) ||
      (a.cluster ?? '').localeCompare(b.cluster ?? ''),
  );
}

export function buildStatusModel(input: StatusModelInput): StatusModel {
  const { response, entity, configuredClusters, commitsAhead } = input;
  const annotations = entity?.metadata.annotations ?? {};
  const kubernetesId = annotations[KUBERNETES_ID_LABEL] ?? entity?.metadata.name;
  const projectSlug = annotations[PROJECT_SLUG_ANNOTATION];
  // Argo CD's sync revision is a commit of the repo it syncs: the config repo's when the manifests live there.
  const manifests = manifestsLocationOf(annotations);
  const manifestsSlug = manifests ? manifests.slug : projectSlug;
  const expected = input.expectedEnvironments ?? expectedEnvironmentsOf(entity);

  const items = response.items ?? [];
  const clusterProblems = items.map(clusterProblemOf).filter((p): p is ClusterProblem => p !== undefined);
  const buckets = items.map(bucketOf);
  const rows: EnvironmentRow[] = [];
  const applications: Array<{ env: string; cluster: string; application: KubeObject }> = [];

  for (const bucket of buckets) {
    const env = environmentResolver(bucket);
    const unavailable = [...bucket.failed].sort();
    for (const application of bucket.applications.filter(candidate => !isAppOfApps(candidate))) {
      const appEnv = applicationEnvironment(application, kubernetesId);
      if (appEnv) applications.push({ env: appEnv, cluster: bucket.cluster, application });
    }
    const environments = new Set<string>();
    const collect = (objects: KubeObject[], of: (o: KubeObject) => string | undefined) =>
      objects.forEach(o => {
        const e = of(o);
        if (e) environments.add(e);
      });
    collect(bucket.rollouts, env.rollout);
    collect(bucket.replicasets, env.replicaset);
    collect(bucket.pods, env.pod);
    collect(bucket.services, env.service);
    collect(bucket.analysisruns, env.analysisrun);

    for (const environment of environments) {
      const rollouts = bucket.rollouts.filter(o => env.rollout(o) === environment);
      const rollout = pickPrimary(rollouts, kubernetesId);
      const notes: string[] = [];
      if (rollouts.length > 1) {
        notes.push(`${rollouts.length} Rollouts found (${rollouts.map(r => r.metadata?.name).join(', ')}); showing ${rollout?.metadata?.name}`);
      }
      if (rollout && !labelsOf(rollout)[ENVIRONMENT_LABEL]) {
        notes.push(`no ${ENVIRONMENT_LABEL} label: grouped by namespace`);
      }
      const replicasets = rollout
        ? bucket.replicasets.filter(rs => sameNamespace(rs, rollout) && isOwnedBy(rs, rollout, 'Rollout'))
        : bucket.replicasets.filter(rs => env.replicaset(rs) === environment);
      const pods = rollout
        ? bucket.pods.filter(pod => replicasets.some(rs => sameNamespace(rs, pod) && isOwnedBy(pod, rs, 'ReplicaSet')))
        : bucket.pods.filter(pod => env.pod(pod) === environment);
      // Runs the Rollout owns; runs without a Rollout owner count when labelled for this environment.
      const runs = rollout
        ? bucket.analysisruns.filter(
            run =>
              sameNamespace(run, rollout) &&
              (isOwnedBy(run, rollout, 'Rollout') || (!hasRolloutOwner(run) && env.analysisrun(run) === environment)),
          )
        : bucket.analysisruns.filter(run => env.analysisrun(run) === environment);
      const latestRun = newestFirst(runs)[0];
      const namespace =
        rollout?.metadata?.namespace ??
        [...pods, ...replicasets].find(o => o.metadata?.namespace)?.metadata?.namespace ??
        bucket.services.find(o => env.service(o) === environment)?.metadata?.namespace;
      const image = deployedImage(rollout, replicasets, pods, projectSlug);
      const desired = rollout ? num(get(rollout.spec, 'replicas')) ?? 1 : undefined;
      rows.push({
        key: '',
        environment,
        cluster: bucket.cluster,
        ...(namespace ? { namespace } : {}),
        state: 'deployed',
        notes,
        ...(image ? { image } : {}),
        ...(rollout ? { rollout: summariseRollout(rollout) } : {}),
        ...(latestRun
          ? { analysis: summariseAnalysisRun(latestRun, rollout?.metadata?.annotations?.['rollout.argoproj.io/revision']) }
          : {}),
        ...(rollout || pods.length > 0 ? { pods: summarisePods(pods, desired) } : {}),
        unavailable,
      });
    }
  }

  // Argo CD Applications: joined by environment (or by destination namespace), preferring the row's own cluster.
  const destinationOf = (application: KubeObject) => str(get(application.spec, 'destination', 'namespace'));
  const matched = new Set<(typeof applications)[number]>();
  for (const row of rows) {
    const candidates = applications.filter(
      entry => entry.env === row.environment || (row.namespace !== undefined && destinationOf(entry.application) === row.namespace),
    );
    if (candidates.length === 0) continue;
    const entry = candidates.find(e => e.cluster === row.cluster) ?? candidates[0];
    candidates.forEach(candidate => matched.add(candidate));
    row.argocd = summariseApplication(entry.application, manifestsSlug);
    if (candidates.length > 1 && !candidates.some(e => e.cluster === row.cluster)) {
      row.notes.push(`${candidates.length} Argo CD Applications for ${row.environment}; showing ${row.argocd.application}`);
    }
  }
  for (const entry of applications) {
    if (matched.has(entry) || rows.some(row => row.environment === entry.env)) continue;
    const argocd = summariseApplication(entry.application, manifestsSlug);
    rows.push({
      key: '',
      environment: entry.env,
      cluster: entry.cluster,
      state: argocd.awaitingFirstImage ? 'awaiting-image' : 'not-deployed',
      notes: [
        argocd.awaitingFirstImage
          ? argocd.gate === 'skip-reconcile'
            ? 'no image built yet: Argo CD skips this Application (argocd.argoproj.io/skip-reconcile) until CI pins the first image'
            : argocd.gate === 'auto-sync-disabled'
              ? 'no image built yet: automated sync stays off until CI pins the first image and turns it on'
              : 'no image built yet: the Application deploys an image without a tag; CI pins sha-<commit> after its first build'
          : argocd.gate
            ? 'an image is pinned, but automated sync is still off: Argo CD will not deploy it until it is turned on'
            : 'Argo CD Application found, but no workloads yet',
      ],
      argocd,
      unavailable: [...(buckets.find(b => b.cluster === entry.cluster)?.failed ?? [])].sort(),
    });
  }

  // Expected environments with nothing anywhere.
  const unreadable = clusterProblems.filter(
    problem => problem.kind === 'unreachable' || problem.kind === 'unauthorized' || problem.resources.some(r => ESSENTIAL.has(r)),
  );
  const noClusters = items.length === 0 && configuredClusters !== undefined && configuredClusters.length === 0;
  for (const environment of expected) {
    if (rows.some(row => row.environment === environment)) continue;
    if (noClusters) {
      rows.push({ key: '', environment, state: 'unknown', notes: ['no Kubernetes cluster is configured'], unavailable: [] });
    } else if (unreadable.length > 0) {
      rows.push({
        key: '',
        environment,
        state: 'unknown',
        notes: [
          `not found in the clusters that answered; could not read cluster ${unreadable.map(p => p.cluster).join(', ')}`,
        ],
        unavailable: [],
      });
    } else {
      rows.push({ key: '', environment, state: 'not-deployed', notes: [], unavailable: [] });
    }
  }

  const sorted = sortRows(rows, expected);
  const multiCluster = new Map<string, number>();
  for (const row of sorted) multiCluster.set(row.environment, (multiCluster.get(row.environment) ?? 0) + 1);
  for (const row of sorted) {
    row.key = (multiCluster.get(row.environment) ?? 0) > 1 ? `${row.environment}@${row.cluster ?? ''}` : row.environment;
  }

  // Each environment against the one before it in the promotion order the entity declares
  // (dev → staging → production: staging against dev, production against staging); first
  // deployed row of each. Without a declared order nothing is compared.
  const deployed = (environment: string) => sorted.find(row => row.environment === environment && row.state === 'deployed');
  expected.forEach((environment, index) => {
    const downstream = deployed(environment);
    const upstream = index > 0 ? deployed(expected[index - 1]) : undefined;
    if (!downstream || !upstream) return;
    const comparison = compareEnvironments(downstream, upstream, commitsAhead);
    if (comparison) downstream.comparison = comparison;
  });

  return {
    rows: sorted,
    clusterProblems,
    expectedEnvironments: expected,
    ...(items.length === 0 ? { empty: noClusters ? ('no-clusters' as const) : ('no-objects' as const) } : {}),
    ...(configuredClusters ? { configuredClusters } : {}),
    ...(manifests ? { manifestsUrl: manifests.url } : {}),
  };
}

/** The config repo an entity's manifests-location names: its web address and, on github.com, its owner/repo slug. */
function manifestsLocationOf(annotations: Record<string, string>): { url: string; slug?: string } | undefined {
  const value = annotations[MANIFESTS_LOCATION_ANNOTATION];
  if (!value) return undefined;
  const url = value.replace(/^url:/, '');
  const github = /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?(?:\/|$)/.exec(url);
  return { url, ...(github ? { slug: github[1] } : {}) };
}
