/**
 * TEST DOUBLE of the Kubernetes list API (see README.md): a small HTTP server that
 * answers the list calls Backstage's Kubernetes backend makes, from an in-memory set
 * of objects, honouring labelSelector.
 */
import http from 'http';
import { AddressInfo } from 'net';

export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

/** Plural resource name for each kind the double serves (what list URLs carry). */
const PLURALS: Record<string, string> = {
  Pod: 'pods',
  Service: 'services',
  ConfigMap: 'configmaps',
  LimitRange: 'limitranges',
  ResourceQuota: 'resourcequotas',
  Deployment: 'deployments',
  ReplicaSet: 'replicasets',
  HorizontalPodAutoscaler: 'horizontalpodautoscalers',
  Job: 'jobs',
  CronJob: 'cronjobs',
  Ingress: 'ingresses',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Secret: 'secrets',
  PersistentVolume: 'persistentvolumes',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  Rollout: 'rollouts',
  AnalysisRun: 'analysisruns',
  AnalysisTemplate: 'analysistemplates',
  Application: 'applications',
};
const KINDS_BY_PLURAL = Object.fromEntries(Object.entries(PLURALS).map(([kind, plural]) => [plural, kind]));

/** `/api/v1[/namespaces/ns]/plural` or `/apis/group/version[/namespaces/ns]/plural`. */
const LIST_PATH = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([a-z]+)$/;

type Requirement = (labels: Record<string, string>) => boolean;

/** Parses a Kubernetes label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function parseLabelSelector(selector: string): Requirement[] {
  const requirements: Requirement[] = [];
  // Split on commas outside parentheses.
  const parts = selector.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  for (const raw of parts.map(part => part.trim()).filter(Boolean)) {
    let match: RegExpExecArray | null;
    if ((match = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(raw))) {
      const [, key, op, list] = match;
      const values = list.split(',').map(v => v.trim());
      requirements.push(labels => (op === 'in' ? values.includes(labels[key]) : !values.includes(labels[key])));
    } else if ((match = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(raw))) {
      const [, key, op, value] = match;
      requirements.push(labels => (op === '!=' ? labels[key] !== value : labels[key] === value));
    } else if ((match = /^!([^\s!=]+)$/.exec(raw))) {
      const key = match[1];
      requirements.push(labels => !(key in labels));
    } else if (/^[^\s!=]+$/.test(raw)) {
      requirements.push(labels => raw in labels);
    } else {
      throw new Error(`unsupported label selector part: ${raw}`);
    }
  }
  return requirements;
}

export interface KubernetesDouble {
  /** Base URL for `clusters[].url`. */
  url: string;
  /** Paths (with query) the backend asked for, in order. */
  requests: string[];
  setObjects(objects: KubernetesObject[]): void;
  /** When set, every call is answered with this HTTP status (e.g. 403 for a forbidden service account). */
  failWith(status: number | undefined): void;
  stop(): Promise<void>;
}

function groupVersionOf(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export async function startKubernetesDouble(initial: KubernetesObject[] = []): Promise<KubernetesDouble> {
  let objects = initial;
  let failure: number | undefined;
  const requests: string[] = [];

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    requests.push(`${url.pathname}${url.search}`);
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (failure) {
      send(failure, status(failure, failure === 403 ? 'Forbidden' : 'InternalError', `test double answers ${failure} to every call`));
      return;
    }
    const match = req.method === 'GET' ? LIST_PATH.exec(url.pathname) : null;
    const kind = match ? KINDS_BY_PLURAL[match[5]] : undefined;
    if (!match || !kind) {
      send(404, status(404, 'NotFound', `the test double does not serve ${req.method} ${url.pathname}`));
      return;
    }
    const [, coreVersion, group = '', groupVersion, namespace] = match;
    const version = coreVersion ?? groupVersion;
    let requirements: Requirement[];
    try {
      requirements = parseLabelSelector(url.searchParams.get('labelSelector') ?? '');
    } catch (error) {
      send(400, status(400, 'BadRequest', (error as Error).message));
      return;
    }
    const items = objects.filter(object => {
      const gv = groupVersionOf(object.apiVersion);
      return (
        object.kind === kind &&
        gv.group === group &&
        gv.version === version &&
        (!namespace || object.metadata.namespace === namespace) &&
        requirements.every(requirement => requirement(object.metadata.labels ?? {}))
      );
    });
    send(200, {
      apiVersion: group ? `${group}/${version}` : version,
      kind: `${kind}List`,
      metadata: { resourceVersion: '1' },
      items,
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setObjects: next => {
      objects = next;
    },
    failWith: code => {
      failure = code;
    },
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
