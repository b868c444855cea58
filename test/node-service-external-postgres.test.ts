/**
 * node-service on a PostgreSQL it does not run (postgres.external): the bookstore's orders on the
 * system's bookstore-db, which catalog holds (skeletons/node-service/examples/external-postgres.yaml).
 * The repo renders, validates with no problems and its overlays build; the built objects hold no
 * CloudNativePG server side, only the client's: DATABASE_URL from the operator's Secret, the egress
 * to the cluster's pods in the service's own namespace, and no migration Job unless asked for. The
 * other way round, the holder's cluster, named after the system's resource, admits the resource's
 * other users (postgres.clients), both sides computed from the system resolver's edges.
 */
import { promises as fs } from 'fs';
import { parse } from 'yaml';
import { BUILT_IN_PART_WIRING, partValues, resolveSystem, safeResolveServiceSpec, type ResolvedSystem } from '@slipway/common';
import { validateRenderedFiles } from '@slipway/validate';
import { builtInGoldenPathIds, createGoldenPathRegistry } from '@slipway/skeletons';
import { generateGoldenPathRepo, readValuesFile } from './support/generatedRepo';
import { overlayObjects } from './support/kustomize';
import { requireShippedKustomize } from '../plugins/slipway-validate/src/kustomize';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
}

type Values = Record<string, unknown>;

const ENVIRONMENTS = ['dev', 'staging', 'production'];

async function renderValidateBuild(values: Values) {
  const { dir, files } = await generateGoldenPathRepo('node-service', values);
  try {
    const report = await validateRenderedFiles(files, { goldenPaths: createGoldenPathRegistry(), kustomize: await requireShippedKustomize() });
    const built = new Map<string, Obj[]>();
    for (const environment of ENVIRONMENTS) built.set(environment, await overlayObjects<Obj>(dir, environment));
    return { files, report, built };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

type Rendered = Awaited<ReturnType<typeof renderValidateBuild>>;

const builtIn = (result: Rendered, environment: string): Obj[] => result.built.get(environment)!;

/** Every container env entry named DATABASE_URL in the built pods (Rollout, Jobs, CronJobs). */
function databaseUrls(objects: Obj[]): Array<{ owner: string; secretKeyRef: { name: string; key: string } }> {
  const out: Array<{ owner: string; secretKeyRef: { name: string; key: string } }> = [];
  for (const object of objects) {
    const pod = object.kind === 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec?.template?.spec;
    for (const container of pod?.containers ?? []) {
      for (const variable of container.env ?? []) {
        if (variable.name === 'DATABASE_URL') out.push({ owner: `${object.kind}/${object.metadata.name}`, secretKeyRef: variable.valueFrom?.secretKeyRef });
      }
    }
  }
  return out;
}

/** The egress rules of the policies selecting the service's pods that lead to PostgreSQL's port. */
function databaseEgress(objects: Obj[], service: string) {
  return objects
    .filter(object => object.kind === 'NetworkPolicy' && object.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === service)
    .flatMap(policy => ((policy.spec.egress ?? []) as Array<{ to: any[]; ports: any[] }>).map(rule => ({ policy, rule })))
    .filter(({ rule }) => rule.ports?.some((port: { port: unknown }) => port.port === 5432));
}

/** Policies that select the cluster's instances (server side). */
const clusterSelected = (objects: Obj[], cluster: string) =>
  objects.filter(object => ['NetworkPolicy', 'PodMonitor'].includes(object.kind) && (object.spec.podSelector ?? object.spec.selector)?.matchLabels?.['cnpg.io/cluster'] === cluster);

function resolvedBookstore(values: Values): ResolvedSystem {
  const result = resolveSystem(values, { goldenPathIds: builtInGoldenPathIds() });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.system;
}

function systemValues(system: ResolvedSystem, name: string): Values {
  const part = system.parts.find(candidate => candidate.name === name)!;
  const result = partValues(system, part, BUILT_IN_PART_WIRING[part.goldenPath]);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.values;
}

describe("node-service on the bookstore's PostgreSQL, which it does not run (examples/external-postgres.yaml)", () => {
  let values: Values;
  let result: Rendered;
  const cluster = () => (values.postgres as { external: { name: string } }).external.name;

  beforeAll(async () => {
    values = await readValuesFile('skeletons/node-service/examples/external-postgres.yaml');
    result = await renderValidateBuild(values);
  }, 120_000);

  it('validates with no problems and builds every overlay', () => {
    expect(result.report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
    expect(result.report.stats.overlaysBuilt).toEqual(ENVIRONMENTS);
  });

  it('renders no CloudNativePG server side: no Cluster, ScheduledBackup, PodMonitor or policy selecting its instances, no migration Job', () => {
    expect(result.files.map(file => file.path)).not.toEqual(expect.arrayContaining(['deploy/base/database.yaml']));
    for (const environment of ENVIRONMENTS) {
      const objects = builtIn(result, environment);
      expect(objects.filter(object => ['Cluster', 'ScheduledBackup', 'PodMonitor'].includes(object.kind))).toEqual([]);
      expect(clusterSelected(objects, cluster())).toEqual([]);
      expect(objects.filter(object => object.kind === 'Job')).toEqual([]);
    }
  });

  it("reads DATABASE_URL from the operator's Secret <cluster>-app, key fqdn-uri, in every pod that has it", () => {
    for (const environment of ENVIRONMENTS) {
      const urls = databaseUrls(builtIn(result, environment));
      expect(urls.map(url => url.owner)).toContain(`Rollout/${values.name}`);
      for (const url of urls) expect(url.secretKeyRef).toEqual({ name: `${cluster()}-app`, key: 'fqdn-uri' });
    }
  });

  it("opens egress to the cluster's pods on 5432 in the service's own namespace only", () => {
    for (const environment of ENVIRONMENTS) {
      const objects = builtIn(result, environment);
      const rollout = objects.find(object => object.kind === 'Rollout')!;
      const egress = databaseEgress(objects, values.name as string);
      expect(egress).toHaveLength(1);
      const [{ policy, rule }] = egress;
      // No namespaceSelector: the peer is in the policy's namespace, the Rollout's.
      expect(policy.metadata.namespace).toBe(rollout.metadata.namespace);
      expect(rule.to).toEqual([{ podSelector: { matchLabels: { 'cnpg.io/cluster': cluster() } } }]);
      expect(rule.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    }
  });

  it("still checks the Secret: without the held-elsewhere declaration, or with a key CloudNativePG does not write, the pod is named", async () => {
    const problems = async (edit: (content: string) => string) => {
      const files = result.files.map(file => (file.path === 'deploy/base/rollout.yaml' ? { ...file, content: edit(file.content) } : file));
      const report = await validateRenderedFiles(files, { goldenPaths: createGoldenPathRegistry(), kustomize: await requireShippedKustomize() });
      return [...new Set(report.problems.map(problem => `${problem.rule}: ${problem.message}`))];
    };
    const secret = `Secret/${cluster()}-app`;
    const undeclared = await problems(content => content.replace(/\n\s*slipway\.dev\/held-elsewhere: [^\n]*/, ''));
    expect(undeclared).toEqual([expect.stringMatching(new RegExp(`^env-secret-ref: Rollout/orders .*${secret} is not in the deployed objects`))]);
    const wrongKey = await problems(content => content.replace('key: fqdn-uri', 'key: url'));
    expect(wrongKey).toEqual([expect.stringMatching(new RegExp(`^env-secret-ref: Rollout/orders .*"url" is not a key of ${secret} \\(made by CloudNativePG Cluster/${cluster()} \\(held elsewhere\\)`))]);
  }, 120_000);

  it('runs the migration Job against the external cluster when postgres.migrations says so', async () => {
    const migrating = await renderValidateBuild({ ...values, postgres: { ...(values.postgres as Values), migrations: true } });
    expect(migrating.report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
    const jobs = builtIn(migrating, 'staging').filter(object => object.kind === 'Job');
    expect(jobs.map(job => job.metadata.name)).toEqual([`${values.name}-migrate`]);
    expect(databaseUrls(jobs)).toEqual([{ owner: `Job/${values.name}-migrate`, secretKeyRef: { name: `${cluster()}-app`, key: 'fqdn-uri' } }]);
  }, 120_000);

  it('ships the same service code as with its own cluster: migrations, and readiness that fails while the database is down', async () => {
    const { postgres: _external, ...rest } = values;
    const own = await generateGoldenPathRepo('node-service', rest);
    await fs.rm(own.dir, { recursive: true, force: true });
    const code = (files: Rendered['files']) => files.filter(file => /^(src|migrations)\//.test(file.path)).map(file => [file.path, file.content]);
    expect(code(result.files)).toEqual(code(own.files));
    expect(code(result.files).map(([path]) => path)).toEqual(expect.arrayContaining(['src/db.ts', 'src/migrate.ts', 'src/dependencies.ts']));
  });

  it('refuses the fields of a cluster the service runs beside postgres.external, and every postgres field a service without a database', () => {
    const issues = (patch: Values) => {
      const resolved = safeResolveServiceSpec({ ...values, ...patch });
      return resolved.ok ? [] : resolved.issues.map(issue => issue.path);
    };
    const external = values.postgres as Values;
    expect(issues({ postgres: { ...external, name: 'mine', clients: [{ name: 'catalog' }], backup: { destinationPath: 's3://acme/orders' } } })).toEqual([
      'postgres.name',
      'postgres.clients',
      'postgres.backup.destinationPath',
    ]);
    expect(issues({ database: 'none' })).toEqual(['postgres.external']);
    expect(issues({ postgres: { clients: [{ name: 'catalog' }, { name: 'catalog' }, { name: values.name }] } })).toEqual(['postgres.clients[1].name', 'postgres.clients[2].name']);
    expect(issues({})).toEqual([]);
  });
});

describe("the bookstore's bookstore-db: catalog runs it, orders uses it (values from the system resolver)", () => {
  let system: ResolvedSystem;
  let holder: Rendered;
  let user: Rendered;

  beforeAll(async () => {
    system = resolvedBookstore(parse(await fs.readFile('examples/systems/bookstore.yaml', 'utf8')) as Values);
    holder = await renderValidateBuild(systemValues(system, 'catalog'));
    user = await renderValidateBuild(systemValues(system, 'orders'));
  }, 180_000);

  const edge = (environment: string, id: string) => system.environments.find(candidate => candidate.name === environment)!.edges.find(candidate => candidate.id === id)!;

  it('both repos validate with no problems and build every overlay', () => {
    for (const rendered of [holder, user]) {
      expect(rendered.report.problems.map(problem => `${problem.rule}: ${problem.message}`)).toEqual([]);
      expect(rendered.report.stats.overlaysBuilt).toEqual(ENVIRONMENTS);
    }
  });

  it("the holder runs the Cluster under the resource's name, in the resource's namespace, with its migration Job", () => {
    for (const environment of ENVIRONMENTS) {
      const placement = system.environments.find(candidate => candidate.name === environment)!.endpoints['bookstore-db'];
      const objects = builtIn(holder, environment);
      const clusters = objects.filter(object => object.kind === 'Cluster');
      expect(clusters.map(object => [object.metadata.name, object.metadata.namespace])).toEqual([['bookstore-db', placement.namespace]]);
      expect(objects.filter(object => object.kind === 'Job').map(job => job.metadata.name)).toEqual(['catalog-migrate']);
    }
  });

  it("the holder's cluster admits exactly the pods the resolver names at its ingress, on 5432", () => {
    for (const environment of ENVIRONMENTS) {
      const placement = system.environments.find(candidate => candidate.name === environment)!.endpoints['bookstore-db'];
      const admitted = clusterSelected(builtIn(holder, environment), 'bookstore-db')
        .filter(object => object.kind === 'NetworkPolicy')
        .flatMap(policy => (policy.spec.ingress ?? []) as Array<{ from: any[]; ports?: any[] }>)
        .filter(rule => rule.ports?.some((port: { port: unknown }) => port.port === 5432) && rule.from.every(peer => peer.podSelector?.matchLabels?.['app.kubernetes.io/name']))
        .flatMap(rule => rule.from.map(peer => peer.podSelector.matchLabels));
      expect(admitted).toEqual(placement.ingress.map(rule => rule.peer.podLabels));
      expect(admitted).toContainEqual({ 'app.kubernetes.io/name': 'orders' });
    }
  });

  it("the user's DATABASE_URL and egress are the resolver's edge: its Secret and key, the cluster's pods, in the cluster's namespace; no migration Job", () => {
    for (const environment of ENVIRONMENTS) {
      const uses = edge(environment, 'uses:orders->bookstore-db');
      const objects = builtIn(user, environment);
      const rollout = objects.find(object => object.kind === 'Rollout')!;
      expect(rollout.metadata.namespace).toBe(uses.credentials!.namespace);
      for (const url of databaseUrls(objects)) expect(url.secretKeyRef).toEqual({ name: uses.credentials!.secret, key: uses.credentials!.keys[0] });
      const peer = system.environments.find(candidate => candidate.name === environment)!.endpoints.orders.egress.find(rule => rule.edge === uses.id)!.peer;
      for (const { policy, rule } of databaseEgress(objects, 'orders')) {
        expect(policy.metadata.namespace).toBe(peer.namespace);
        expect(rule.to.some((to: { podSelector?: { matchLabels?: unknown } }) => JSON.stringify(to.podSelector?.matchLabels) === JSON.stringify(peer.podLabels))).toBe(true);
      }
      expect(objects.filter(object => object.kind === 'Cluster' || object.kind === 'Job')).toEqual([]);
    }
  });
});
