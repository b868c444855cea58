/**
 * node-service as a publisher and as a cache user in the example systems, rendered through
 * renderSystem (each part's values from system/partValues.ts): the bookstore's orders publishes to
 * bookstore-mq (RabbitMQ) and catalog runs bookstore-cache (Valkey), todo's todo-backend publishes
 * to todo-nats, voting's vote to voting-redis. Every repo validates with no problems and its
 * overlays build; the publisher's client side is the resolver's publishes edge (the address, the
 * credentials Secret, the egress rule), its access the one messaging.ts gives it, and the holder
 * (the consuming worker, or catalog for its cache) admits it with the same access.
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { cacheAccess, publisherAccess, type EnvironmentEdge, type NetworkRule, type ResolvedSystem } from '@slipway/common';
import { renderSystem, type RenderedFile } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { validateRenderedFiles } from '@slipway/validate';
import { readValuesFile } from './support/generatedRepo';
import { kustomizeObjects } from './support/kustomize';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: any;
}

interface Part {
  files: RenderedFile[];
  /** Its overlays as kustomize builds them, by environment. */
  built: Map<string, Obj[]>;
  /** Its deploy/argocd documents (the chart Applications). */
  applications: Obj[];
  problems: string[];
}

async function renderExample(example: string): Promise<{ system: ResolvedSystem; parts: Map<string, Part> }> {
  const rendered = await renderSystem(await readValuesFile(`examples/systems/${example}.yaml`), { goldenPaths: createGoldenPathRegistry() });
  if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
  const parts = new Map<string, Part>();
  for (const { part, files: own } of rendered.parts) {
    const deployDir = part.deploy.path;
    // The config-repo layout: the part's manifests are apps/<part> of the config repo.
    const files = rendered.configRepo ? [...own, ...rendered.configRepo.files.filter(file => file.path.startsWith(`${deployDir}/`))] : own;
    const report = await validateRenderedFiles(files, { deployDir });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-messaging-'));
    try {
      for (const file of files) {
        await fs.mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
        await fs.writeFile(path.join(dir, file.path), file.content);
      }
      const built = new Map<string, Obj[]>();
      for (const environment of rendered.system.environments) built.set(environment.name, await kustomizeObjects<Obj>(dir, `${deployDir}/overlays/${environment.name}`));
      const applications = files
        .filter(file => file.path.startsWith(`${deployDir}/argocd/`) && file.path.endsWith('.yaml'))
        .flatMap(file => parseAllDocuments(file.content).map(document => document.toJS() as Obj))
        .filter(object => object?.kind === 'Application');
      parts.set(part.name, { files, built, applications, problems: report.problems.map(problem => `${problem.rule} ${problem.file}: ${problem.message}`) });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  return { system: rendered.system, parts };
}

const named = (objects: Obj[], kind: string, name: string): Obj => {
  const found = objects.find(object => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in ${objects.map(object => `${object.kind}/${object.metadata.name}`).join(', ')}`);
  return found;
};

const appEnv = (objects: Obj[], name: string): Array<{ name: string; value?: string; valueFrom?: any }> =>
  named(objects, 'Rollout', name).spec.template.spec.containers.find((container: { name: string }) => container.name === 'app').env;

/** The client's egress policy to the resource is exactly the resolver's rule for the edge. */
function expectEgressAsResolved(objects: Obj[], rule: NetworkRule, client: string, resource: string): void {
  const policy = named(objects, 'NetworkPolicy', `${client}-to-${resource}`);
  expect(policy.spec.podSelector.matchLabels).toEqual(rule.pods);
  expect(policy.spec.egress).toEqual([
    { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': rule.peer.namespace } }, podSelector: { matchLabels: rule.peer.podLabels } }], ports: rule.ports },
  ]);
}

/** The holder's policy admitting its clients on the client port, and the one rule of it naming `client`. */
function admits(objects: Obj[], resource: string, client: string, namespace: string): boolean {
  const policy = named(objects, 'NetworkPolicy', `${resource}-allow-clients`);
  return policy.spec.ingress.some((rule: any) =>
    rule.from.some((peer: any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === namespace && peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === client));
}

describe('the bookstore: orders publishes to bookstore-mq, catalog caches in bookstore-cache', () => {
  let system: ResolvedSystem;
  let parts: Map<string, Part>;

  beforeAll(async () => {
    ({ system, parts } = await renderExample('bookstore'));
  }, 240_000);

  it('renders every repo with no problems', () => {
    for (const [name, part] of parts) expect({ name, problems: part.problems }).toEqual({ name, problems: [] });
  });

  it("gives orders its own RabbitMQ User, a Permission to publish only, QUEUE_URL at the edge's address and the egress of the edge's rule", () => {
    for (const environment of system.environments) {
      const edge = environment.edges.find(candidate => candidate.kind === 'publishes' && candidate.from === 'orders') as EnvironmentEdge;
      const objects = parts.get('orders')!.built.get(environment.name)!;
      const env = appEnv(objects, 'orders');
      expect(env.find(entry => entry.name === 'QUEUE_URL')?.value).toContain(`@${edge.address.fqdn}:${edge.address.port}/`);
      expect(env.find(entry => entry.name === 'QUEUE_NAME')?.value).toBe(edge.queue);
      const credentials = edge.credentials!;
      for (const key of credentials.keys) expect(env.map(entry => entry.valueFrom?.secretKeyRef).filter(Boolean)).toContainEqual({ name: credentials.secret, key });
      // The operator writes the Secret for the User in the client's namespace.
      expect(named(objects, 'User', 'bookstore-mq-orders').metadata.namespace).toBe(credentials.namespace);
      expect(named(objects, 'Permission', 'bookstore-mq-orders').spec).toMatchObject({ vhost: '/', ...publisherAccess('rabbitmq', edge.queue!) });
      expectEgressAsResolved(objects, environment.endpoints.orders.egress.find(rule => rule.edge === edge.id)!, 'orders', 'bookstore-mq');
      // No broker server in orders' repo: payments-worker, its consumer, runs it and admits orders.
      expect(objects.filter(object => object.kind === 'RabbitmqCluster')).toEqual([]);
      const worker = parts.get('payments-worker')!.built.get(environment.name)!;
      const cluster = named(worker, 'RabbitmqCluster', 'bookstore-mq');
      expect(cluster.metadata.namespace).toBe(edge.address.namespace);
      expect(admits(worker, 'bookstore-mq', 'orders', environment.endpoints.orders.namespace)).toBe(true);
    }
  });

  it('runs bookstore-cache in catalog: the Valkey chart per environment, its users and policies, and catalog as its client', () => {
    const catalog = parts.get('catalog')!;
    expect(catalog.applications.filter(application => application.spec.source.chart === 'valkey').map(application => application.metadata.name)).toEqual(
      system.environments.map(environment => `bookstore-cache-${environment.name}`),
    );
    const [application] = catalog.applications.filter(application => application.spec.source.chart === 'valkey');
    expect(application.spec.source.helm.valuesObject.auth.aclUsers.catalog).toEqual({ permissions: cacheAccess('catalog').acl });
    for (const environment of system.environments) {
      const edge = environment.edges.find(candidate => candidate.kind === 'uses' && candidate.from === 'catalog' && candidate.to === 'bookstore-cache') as EnvironmentEdge;
      const objects = catalog.built.get(environment.name)!;
      expect(appEnv(objects, 'catalog').find(entry => entry.name === 'REDIS_URL')?.valueFrom).toEqual({ secretKeyRef: { name: edge.credentials!.secret, key: 'url' } });
      // The server's users and the client's credentials read the same password from the store.
      const users = named(objects, 'ExternalSecret', 'bookstore-cache-users').spec.data.find((entry: any) => entry.secretKey === 'catalog');
      const own = named(objects, 'ExternalSecret', edge.credentials!.secret).spec.data[0];
      expect(users.remoteRef).toEqual(own.remoteRef);
      expect(users.remoteRef.key).toBe(`bookstore/${environment.name}/bookstore-cache/catalog`);
      expect(admits(objects, 'bookstore-cache', 'catalog', environment.endpoints.catalog.namespace)).toBe(true);
      expectEgressAsResolved(objects, environment.endpoints.catalog.egress.find(rule => rule.edge === edge.id)!, 'catalog', 'bookstore-cache');
    }
  });
});

describe.each([
  ['todo', 'todo-backend', 'todo-nats', 'broadcaster', 'nats'],
  ['voting', 'vote', 'voting-redis', 'worker', 'redis'],
] as const)('%s: %s publishes to %s, which %s runs', (example, client, resource, holder, kind) => {
  let system: ResolvedSystem;
  let parts: Map<string, Part>;

  beforeAll(async () => {
    ({ system, parts } = await renderExample(example));
  }, 240_000);

  it('renders every repo with no problems', () => {
    for (const [name, part] of parts) expect({ name, problems: part.problems }).toEqual({ name, problems: [] });
  });

  it("gives the publisher the credentials the holder's users are made from, and the holder the publisher's permissions", () => {
    const chart = parts.get(holder)!.applications.find(application => application.spec.source.chart === (kind === 'nats' ? 'nats' : 'valkey'))!;
    const values = chart.spec.source.helm.valuesObject;
    const published = system.environments[0].edges.find(edge => edge.kind === 'publishes' && edge.from === client) as EnvironmentEdge;
    const expected = publisherAccess(kind, published.queue!, published.subject);
    if (kind === 'redis') expect(values.auth.aclUsers[client]).toEqual({ permissions: (expected as { acl: string }).acl });
    else {
      const { publish, subscribe } = (expected as { permissions: { publish: string[]; subscribe: string[] } }).permissions;
      expect(values.config.merge.authorization.users.find((user: { user: string }) => user.user === client).permissions).toEqual({ publish: { allow: publish }, subscribe: { allow: subscribe } });
    }
    for (const environment of system.environments) {
      const edge = environment.edges.find(candidate => candidate.kind === 'publishes' && candidate.from === client) as EnvironmentEdge;
      const objects = parts.get(client)!.built.get(environment.name)!;
      expect(appEnv(objects, client).find(entry => entry.name === 'QUEUE_URL')?.valueFrom).toEqual({ secretKeyRef: { name: edge.credentials!.secret, key: 'url' } });
      expectEgressAsResolved(objects, environment.endpoints[client].egress.find(rule => rule.edge === edge.id)!, client, resource);
      const users = named(parts.get(holder)!.built.get(environment.name)!, 'ExternalSecret', `${resource}-users`).spec.data.find((entry: any) => entry.secretKey === client);
      expect(users.remoteRef).toEqual(named(objects, 'ExternalSecret', edge.credentials!.secret).spec.data[0].remoteRef);
      expect(admits(parts.get(holder)!.built.get(environment.name)!, resource, client, environment.endpoints[client].namespace)).toBe(true);
    }
  });
});
