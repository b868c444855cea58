/**
 * The generated canary analysis and alerts, judged by a real Prometheus against the running
 * generated service. Real parts: the default variant rendered and built (`npm ci`, `npm run
 * build`), its service processes, Debian's Prometheus 2.42 scraping them on 127.0.0.1, the
 * AnalysisTemplate and PrometheusRule exactly as `kustomize build` renders each overlay, and
 * their PromQL sent to Prometheus's HTTP API.
 *
 * What stands in for the cluster:
 * - for the Prometheus operator: `scrapeTargetFor` turns the rendered ServiceMonitor, its Service
 *   and the Rollout's pod template into static targets with the labels the operator's
 *   relabelings give (namespace, service, pod, container, endpoint, job, and podTargetLabels
 *   such as rollouts_pod_template_hash), and the scrape interval is 1 s instead of 30 s;
 * - for Argo Rollouts: it labels each pod with rollouts-pod-template-hash (here: a hash per
 *   service process), substitutes the AnalysisTemplate args (namespace, canary-hash), and judges
 *   each measurement with argoExpr's evaluator of expr (utils/evaluate EvaluateResult's rules);
 * - for a bad release: the service's test-only fault injection (FAULT_5XX_EVERY, FAULT_DELAY_MS,
 *   src/faults.ts, off unless set);
 * - for Alertmanager: an alert "fires" when its expression returns series (its `for:` is not
 *   waited out here; deploy/tests' promtool tests check the durations);
 * - kube-state-metrics is not running: PodsNotReady's Job-pod case is covered by promtool.
 */
import { promises as fs } from 'fs';
import type { ServiceSpec } from '@slipway/common';
import { measurementPhase } from '@slipway/validate';
import { generateRepo, readValuesFile } from './support/generatedRepo';
import { overlayObjects } from './support/kustomize';
import { waitFor } from './support/ports';
import { runOk } from './support/processes';
import { argoResult, scrapeTargetFor, startTempPrometheus, type ScrapeTarget, type TempPrometheus } from './support/prometheus';
import { RunningService, startService } from './support/service';

type Manifest = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any };


const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** Sends `count` requests to GET / in waves over a few seconds, so Prometheus scrapes while traffic flows. */
async function driveTraffic(service: RunningService, count: number, concurrency: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += concurrency) {
    const wave = Array.from({ length: Math.min(concurrency, count - sent) }, () => service.get('/').then(response => response.status));
    statuses.push(...(await Promise.all(wave)));
    await sleep(60);
  }
  return statuses;
}

interface Canary {
  name: string;
  environment: 'staging' | 'production';
  hash: string;
  faults: Record<string, string>;
  service?: RunningService;
  target?: ScrapeTarget;
}

describe('a generated service judged by a real Prometheus', () => {
  let dir: string;
  let spec: ServiceSpec;
  let prometheus: TempPrometheus | undefined;
  const manifests = new Map<string, Manifest[]>();
  const canaries: Canary[] = [
    { name: 'healthy', environment: 'staging', hash: '5d8f7c9b4', faults: {} },
    { name: 'errors', environment: 'production', hash: '6c4b8d7f2', faults: { FAULT_5XX_EVERY: '20' } },
    { name: 'slow', environment: 'production', hash: '7b9c5f6d8', faults: {} },
    { name: 'idle', environment: 'production', hash: '8f6d4c9b7', faults: {} },
  ];
  const canary = (name: string) => canaries.find(candidate => candidate.name === name)!;

  beforeAll(async () => {
    ({ dir, spec } = await generateRepo(await readValuesFile('skeletons/node-service/examples/minimal.yaml')));
    await runOk('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: 300_000 });
    await runOk('npm', ['run', 'build'], { cwd: dir, timeoutMs: 120_000 });
    for (const environment of ['staging', 'production']) manifests.set(environment, await overlayObjects<Manifest>(dir, environment));
    canary('slow').faults = { FAULT_DELAY_MS: String(spec.analysis.p95LatencyMs + 300) };

    for (const entry of canaries) {
      entry.service = await startService(dir, entry.faults);
      const rollout = manifests.get(entry.environment)!.find(object => object.kind === 'Rollout')!;
      entry.target = scrapeTargetFor(manifests.get(entry.environment)!, {
        name: `${rollout.metadata.name}-${entry.hash}-${entry.name.slice(0, 5)}`,
        templateHash: entry.hash,
        metricsAddress: `127.0.0.1:${entry.service.metricsPort}`,
      });
    }
    prometheus = await startTempPrometheus(canaries.map(entry => entry.target!));
    await prometheus.waitForScrapes(2);
    // Enough requests for the analysis' minimum (spec.analysis.minRequests) inside its 2-minute window.
    const requests = spec.analysis.minRequests * 3;
    const [healthy, errors, slow] = await Promise.all([
      driveTraffic(canary('healthy').service!, requests, 10),
      driveTraffic(canary('errors').service!, requests, 10),
      driveTraffic(canary('slow').service!, requests, 40),
      // The idle canary only answers probes, which the request metrics leave out.
      (async () => {
        for (let i = 0; i < 20; i++) await canary('idle').service!.get('/healthz');
      })(),
    ]);
    expect(healthy.every(status => status === 200)).toBe(true);
    expect(errors.filter(status => status === 500).length).toBe(requests / 20);
    expect(slow.every(status => status === 200)).toBe(true);
    await prometheus.waitForScrapes(3);
  }, 600_000);

  /** The namespace the spec resolved for an environment (environments are a list in promotion order). */
  const namespaceOf = (environment: string) => spec.environments.find(env => env.name === environment)!.namespace;

  afterAll(async () => {
    await Promise.all(canaries.map(entry => entry.service?.terminate()));
    await prometheus?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives each target the labels the rendered ServiceMonitor would (an operator stand-in that reads the manifests)', () => {
    const healthy = canary('healthy').target!.labels;
    expect(healthy).toEqual({
      namespace: namespaceOf('staging'),
      service: spec.name,
      pod: expect.stringMatching(new RegExp(`^${spec.name}-5d8f7c9b4-`)),
      container: 'app',
      endpoint: 'metrics',
      job: spec.name,
      rollouts_pod_template_hash: '5d8f7c9b4',
      slipway_dev_environment: 'staging',
    });
  });

  /** Each metric of the environment's AnalysisTemplate, measured for one canary as Argo Rollouts would. */
  async function analyse(entry: Canary): Promise<Record<string, { phase: string; result: unknown }>> {
    const template = manifests.get(entry.environment)!.find(object => object.kind === 'AnalysisTemplate')!;
    const args: Record<string, string> = { namespace: entry.target!.labels.namespace, 'canary-hash': entry.hash };
    const phases: Record<string, { phase: string; result: unknown }> = {};
    for (const metric of template.spec.metrics) {
      const query = (metric.provider.prometheus.query as string).replace(/\{\{\s*args\.([\w-]+)\s*\}\}/g, (_, name: string) => {
        if (!(name in args)) throw new Error(`the AnalysisTemplate uses an arg the Rollout does not supply: ${name}`);
        return args[name];
      });
      const result = argoResult(await prometheus!.query(query));
      phases[metric.name] = { phase: measurementPhase(metric, result).phase, result };
    }
    return phases;
  }

  it('passes a healthy canary', async () => {
    const phases = await analyse(canary('healthy'));
    expect(phases['success-rate']).toEqual({ phase: 'Successful', result: [1] });
    expect(phases['p95-latency'].phase).toBe('Successful');
  });

  it('fails a canary answering 5% of requests with 5xx', async () => {
    const phases = await analyse(canary('errors'));
    expect(phases['success-rate'].phase).toBe('Failed');
    expect((phases['success-rate'].result as number[])[0]).toBeCloseTo(0.95, 2);
  });

  it('fails a slow canary', async () => {
    const phases = await analyse(canary('slow'));
    expect(phases['p95-latency'].phase).toBe('Failed');
    expect((phases['p95-latency'].result as number[])[0]).toBeGreaterThan(spec.analysis.p95LatencyMs / 1000);
    expect(phases['success-rate'].phase).toBe('Successful');
  });

  it('does not pass a canary without traffic: every metric is Inconclusive (the rollout pauses)', async () => {
    const phases = await analyse(canary('idle'));
    expect(phases).toEqual({
      'success-rate': { phase: 'Inconclusive', result: [] },
      'p95-latency': { phase: 'Inconclusive', result: [] },
    });
  });

  function alertRules(environment: string): Array<{ alert: string; expr: string }> {
    const rule = manifests.get(environment)!.find(object => object.kind === 'PrometheusRule')!;
    return rule.spec.groups.flatMap((group: { rules: Array<{ alert: string; expr: string }> }) => group.rules);
  }

  async function firing(environment: string): Promise<Record<string, Array<Record<string, string>>>> {
    const out: Record<string, Array<Record<string, string>>> = {};
    for (const rule of alertRules(environment)) {
      const data = await prometheus!.query(rule.expr);
      if (data.resultType !== 'vector') throw new Error(`${rule.alert} returns a ${data.resultType}, not a vector`);
      if (data.result.length) out[rule.alert] = data.result.map(sample => sample.metric);
    }
    return out;
  }

  it('raises no staging alert while the service is healthy', async () => {
    expect(alertRules('staging').map(rule => rule.alert)).toEqual(
      expect.arrayContaining(['ErrorBudgetBurnPage', 'ErrorBudgetBurnTicket', 'HighLatency', 'PodsNotReady', 'MetricsTargetDown', 'MetricsAbsent']),
    );
    expect(await firing('staging')).toEqual({});
  });

  it('alerts when scraping breaks: MetricsTargetDown while the target fails, MetricsAbsent once it is gone', async () => {
    const staging = canary('healthy');
    await staging.service!.terminate();
    await prometheus!.waitForScrapes(2);
    const down = await firing('staging');
    expect(Object.keys(down)).toEqual(['MetricsTargetDown']);
    expect(down.MetricsTargetDown[0]).toMatchObject({ namespace: namespaceOf('staging'), service: spec.name, pod: staging.target!.labels.pod });

    // The ServiceMonitor no longer selects anything: Prometheus drops the target and, two scrape
    // intervals later, marks its series stale (scrape loop endOfRunStaleness).
    await prometheus!.setTargets(canaries.filter(entry => entry !== staging).map(entry => entry.target!));
    await waitFor('the dropped target\'s series to go stale', async () => !('MetricsTargetDown' in (await firing('staging'))), 30_000);
    const absent = await firing('staging');
    expect(absent).toEqual({ MetricsAbsent: [{ namespace: namespaceOf('staging'), service: spec.name }] });
  }, 60_000);
});
