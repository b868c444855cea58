/**
 * node-worker writing to a PostgreSQL it does not run (postgres.external): voting's worker on the
 * system's voting-db, which result (a node-service) holds (skeletons/node-worker/examples/
 * external-postgres.yaml). The repo renders, validates with no problems and its overlays build; the
 * built objects hold no CloudNativePG server side, only the worker's client side: DATABASE_URL from
 * the operator's Secret on the worker's container, the egress from the worker's pods (not its
 * scheduled jobs') to the cluster's pods on 5432, and the held-elsewhere annotation the validator
 * knows the Secret by. Then the voting system through renderSystem: voting-db is rendered at its
 * holder, which admits the worker, and the database edges are open at both ends (checkPolicyPairs),
 * which a missing worker egress breaks.
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import type { ResolvedSystem } from '@slipway/common';
import { renderSystem } from '@slipway/render';
import { checkPolicyPairs, systemConnections, validateRenderedFiles, type LoadedObject, type SystemRepo } from '@slipway/validate';
import { builtInGoldenPath, createGoldenPathRegistry } from '@slipway/skeletons';
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
type RenderedFiles = Awaited<ReturnType<typeof generateGoldenPathRepo>>['files'];

const WORKER_PODS = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'worker' });

async function renderValidateBuild(values: Values, environments: readonly string[]) {
  const { dir, files } = await generateGoldenPathRepo('node-worker', values);
  try {
    const report = await validateRenderedFiles(files, { goldenPaths: createGoldenPathRegistry(), kustomize: await requireShippedKustomize() });
    const built = new Map<string, Obj[]>();
    for (const environment of environments) built.set(environment, await overlayObjects<Obj>(dir, environment));
    return { files, report, built };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const problemsOf = (report: Awaited<ReturnType<typeof validateRenderedFiles>>) => report.problems.map(problem => `${problem.rule}: ${problem.message}`);

/** Every DATABASE_URL in the built pods: the Rollout's containers and the CronJobs'. */
function databaseUrls(objects: Obj[]): Array<{ owner: string; secretKeyRef: { name: string; key: string } }> {
  const out: Array<{ owner: string; secretKeyRef: { name: string; key: string } }> = [];
  for (const object of objects) {
    const pod = object.kind === 'CronJob' ? object.spec.jobTemplate.spec.template.spec : object.spec?.template?.spec;
    for (const container of pod?.containers ?? []) {
      for (const variable of container.env ?? []) {
        if (variable.name === 'DATABASE_URL') out.push({ owner: `${object.kind}/${object.metadata.name}/${container.name}`, secretKeyRef: variable.valueFrom?.secretKeyRef });
      }
    }
  }
  return out;
}

/** The egress rules on 5432 of every NetworkPolicy selecting some of the worker's pods, with their selectors. */
function databaseEgress(objects: Obj[], worker: string) {
  return objects
    .filter(object => object.kind === 'NetworkPolicy' && object.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === worker)
    .flatMap(policy => ((policy.spec.egress ?? []) as Array<{ to: any[]; ports: any[] }>).map(rule => ({ policy, rule })))
    .filter(({ rule }) => rule.ports?.some((port: { port: unknown }) => port.port === 5432));
}

describe("node-worker on voting's PostgreSQL, which it does not run (examples/external-postgres.yaml)", () => {
  const environments = ['staging', 'production'];
  let values: Values & { name: string; postgres: { external: { name: string } }; environments: Array<{ name: string; namespace: string }> };
  let result: Awaited<ReturnType<typeof renderValidateBuild>>;
  const cluster = () => values.postgres.external.name;

  beforeAll(async () => {
    values = (await readValuesFile('skeletons/node-worker/examples/external-postgres.yaml')) as typeof values;
    result = await renderValidateBuild(values, environments);
  }, 120_000);

  it('validates with no problems and builds every overlay', () => {
    expect(problemsOf(result.report)).toEqual([]);
    expect(result.report.stats.overlaysBuilt).toEqual(environments);
  });

  it("gives the worker's container DATABASE_URL from the operator's Secret <cluster>-app, key fqdn-uri, and no other pod", () => {
    for (const environment of environments) {
      expect(databaseUrls(result.built.get(environment)!)).toEqual([{ owner: `Rollout/${values.name}/worker`, secretKeyRef: { name: `${cluster()}-app`, key: 'fqdn-uri' } }]);
    }
  });

  it("opens egress from the worker's pods to the cluster's pods on 5432, in the worker's own namespace", () => {
    for (const environment of environments) {
      const namespace = values.environments.find(entry => entry.name === environment)!.namespace;
      const egress = databaseEgress(result.built.get(environment)!, values.name);
      expect(egress).toHaveLength(1);
      const [{ policy, rule }] = egress;
      expect(policy.metadata.namespace).toBe(namespace);
      // The worker's pods only: the scheduled jobs (same name, no component) get no database.
      expect(policy.spec.podSelector.matchLabels).toEqual(WORKER_PODS(values.name));
      expect(rule.to).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } }, podSelector: { matchLabels: { 'cnpg.io/cluster': cluster() } } }]);
      expect(rule.ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
    }
  });

  it('renders no CloudNativePG server side, and lists the database among what the Component depends on', () => {
    for (const environment of environments) {
      const objects = result.built.get(environment)!;
      expect(objects.filter(object => ['Cluster', 'ScheduledBackup', 'PodMonitor', 'Job'].includes(object.kind))).toEqual([]);
      expect(objects.filter(object => object.kind === 'NetworkPolicy' && object.spec.podSelector.matchLabels?.['cnpg.io/cluster'])).toEqual([]);
    }
    const catalog = result.files.find(file => file.path === 'catalog-info.yaml')!.content;
    expect(catalog).toContain(`- resource:${cluster()}`);
  });

  it('still checks the Secret: without the held-elsewhere declaration, or with a key CloudNativePG does not write, the worker is named', async () => {
    const problems = async (file: string, edit: (content: string) => string) => {
      const files = result.files.map(own => (own.path === file ? { ...own, content: edit(own.content) } : own));
      const report = await validateRenderedFiles(files, { goldenPaths: createGoldenPathRegistry(), kustomize: await requireShippedKustomize() });
      return [...new Set(problemsOf(report))];
    };
    const secret = `Secret/${cluster()}-app`;
    const undeclared = await problems('deploy/base/rollout.yaml', content => content.replace(/\n\s*annotations:(\n\s*#[^\n]*)*\n\s*slipway\.dev\/held-elsewhere: [^\n]*/, ''));
    expect(undeclared).toEqual([expect.stringMatching(new RegExp(`^env-secret-ref: Rollout/worker .*${secret} is not in the deployed objects`))]);
    const wrongKey = await problems('deploy/overlays/staging/rollout-env.yaml', content => content.replace('key: fqdn-uri', 'key: url'));
    expect(wrongKey).toEqual([expect.stringMatching(new RegExp(`^env-secret-ref: Rollout/worker .*"url" is not a key of ${secret} \\(made by CloudNativePG Cluster/${cluster()} \\(held elsewhere\\)`))]);
  }, 120_000);

  it('renders no database side without postgres.external: no DATABASE_URL, egress to 5432 or annotation', async () => {
    const { postgres: _external, ...rest } = values;
    const without = await renderValidateBuild(rest, ['staging']);
    expect(problemsOf(without.report)).toEqual([]);
    const objects = without.built.get('staging')!;
    expect(databaseUrls(objects)).toEqual([]);
    expect(databaseEgress(objects, values.name)).toEqual([]);
    expect(objects.find(object => object.kind === 'Rollout')!.metadata.annotations?.['slipway.dev/held-elsewhere']).toBeUndefined();
    // The application is the same: the store is used when DATABASE_URL is set (src/store.ts).
    const code = (files: RenderedFiles) => files.filter(file => file.path.startsWith('src/') || file.path === 'package.json').map(file => [file.path, file.content]);
    expect(code(without.files)).toEqual(code(result.files));
  }, 120_000);

  it('refuses what a worker cannot do with PostgreSQL: run a cluster, a name that is no DNS label, DATABASE_URL in its config', () => {
    const issues = (patch: Values) => {
      const resolved = builtInGoldenPath('node-worker').resolve({ ...values, ...patch });
      return resolved.ok ? [] : resolved.issues.map(issue => `${issue.path}: ${issue.message}`);
    };
    // node-service's fields of a cluster it runs, and its database switch, are no worker's.
    expect(issues({ postgres: { ...values.postgres, name: 'mine', clients: [] } })).toEqual(['postgres.name: is not a known field', 'postgres.clients: is not a known field']);
    expect(issues({ database: 'postgres' })).toEqual(['database: is not a known field']);
    expect(issues({ postgres: { external: { name: 'Voting_DB' } } })).toEqual([expect.stringMatching(/^postgres\.external\.name: must be a DNS-1123 label/)]);
    expect(issues({ config: { env: { DATABASE_URL: 'postgresql://elsewhere' } } })).toEqual([expect.stringMatching(/^config\.env\.DATABASE_URL: must not be one the skeleton sets/)]);
    expect(issues({})).toEqual([]);
  });
});

/** Each overlay as kustomize builds it, the model checkPolicyPairs reads. */
async function systemRepo(name: string, files: RenderedFiles, environments: readonly string[]): Promise<SystemRepo> {
  const { dir } = await writtenRepo(files);
  try {
    const built = new Map<string, LoadedObject[]>();
    for (const environment of environments) {
      const objects = await overlayObjects<LoadedObject['object']>(dir, environment);
      built.set(environment, objects.map(object => ({ object, file: `deploy/overlays/${environment}`, environment })));
    }
    return { name, model: { files: new Map(files.map(file => [file.path, file.content])), environments: built, rawObjects: [] } };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function writtenRepo(files: RenderedFiles): Promise<{ dir: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-pgworker-'));
  for (const file of files) {
    await fs.mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await fs.writeFile(path.join(dir, file.path), file.content);
  }
  return { dir };
}

describe("the voting system's voting-db: result runs it, the worker writes to it (renderSystem)", () => {
  let system: ResolvedSystem;
  let repos: SystemRepo[];
  let reports: Map<string, string[]>;
  const environments = () => system.environments.map(environment => environment.name);

  beforeAll(async () => {
    const rendered = await renderSystem(await readValuesFile('examples/systems/voting.yaml'), { goldenPaths: createGoldenPathRegistry() });
    if (!rendered.ok) throw new Error(JSON.stringify(rendered.issues));
    system = rendered.system;
    repos = [];
    reports = new Map();
    for (const { part, files } of rendered.parts) {
      reports.set(part.name, problemsOf(await validateRenderedFiles(files, { goldenPaths: createGoldenPathRegistry(), kustomize: await requireShippedKustomize() })));
      repos.push(await systemRepo(part.name, files, environments()));
    }
  }, 240_000);

  const objectsOf = (repo: string, environment: string) => repos.find(own => own.name === repo)!.model.environments.get(environment)!.map(loaded => loaded.object as unknown as Obj);

  it('holds voting-db at result (a node-service), whose Cluster admits the worker\'s pods on 5432; every repo validates', () => {
    expect(system.resources.find(resource => resource.name === 'voting-db')!.heldBy).toBe('result');
    for (const [part, problems] of reports) expect({ part, problems }).toEqual({ part, problems: [] });
    for (const environment of environments()) {
      expect(objectsOf('result', environment).filter(object => object.kind === 'Cluster').map(object => object.metadata.name)).toEqual(['voting-db']);
      const admitted = objectsOf('result', environment)
        .filter(object => object.kind === 'NetworkPolicy' && object.spec.podSelector.matchLabels?.['cnpg.io/cluster'] === 'voting-db')
        .flatMap(policy => (policy.spec.ingress ?? []) as Array<{ from: any[]; ports?: any[] }>)
        .filter(rule => rule.ports?.some((port: { port: unknown }) => port.port === 5432))
        .flatMap(rule => rule.from.map(peer => peer.podSelector?.matchLabels));
      expect(admitted).toContainEqual(WORKER_PODS('worker'));
      expect(databaseUrls(objectsOf('worker', environment))).toEqual([{ owner: 'Rollout/worker/worker', secretKeyRef: { name: 'voting-db-app', key: 'fqdn-uri' } }]);
    }
  });

  it('passes checkPolicyPairs with the database edges open at both ends, and names the worker\'s edge when its egress is gone', () => {
    const connections = systemConnections(system);
    expect(connections.filter(connection => connection.edge === 'uses:worker->voting-db').length).toBe(system.environments.length);
    expect(checkPolicyPairs(repos, connections)).toEqual([]);
    const withoutEgress = repos.map(repo =>
      repo.name !== 'worker'
        ? repo
        : { name: repo.name, model: { ...repo.model, environments: new Map([...repo.model.environments].map(([environment, objects]) => [environment, objects.filter(loaded => loaded.object.metadata?.name !== 'worker-to-voting-db')])) } },
    );
    const problems = checkPolicyPairs(withoutEgress, connections);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every(problem => problem.message.includes('uses:worker->voting-db'))).toBe(true);
  });
});
