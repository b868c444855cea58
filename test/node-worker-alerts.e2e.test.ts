/**
 * The node-worker's alerts under the real promtool (Debian's prometheus package), the way the
 * generated repo's CI job "alerts" runs them: each built overlay's PrometheusRule `spec` becomes
 * a rules file, `promtool check rules` checks it and `promtool test rules` runs the repo's own
 * tests (deploy/tests): each alert fires on its bad case, none on a healthy worker or on one KEDA
 * scaled to zero. A reintroduced defect fails here: MetricsAbsent without its running-pods guard
 * fires on a worker at zero replicas.
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse, stringify } from 'yaml';
import { renderGoldenPath, type RenderedFile } from '@slipway/render';
import { builtInGoldenPath } from '@slipway/skeletons';
import { findPromtool, writePromtoolRulesFile } from './support/prometheus';
import { run, runOk } from './support/processes';

const goldenPath = builtInGoldenPath('node-worker');

async function renderInto(example: string): Promise<{ dir: string; environments: string[] }> {
  const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(goldenPath.dir, 'examples', `${example}.yaml`), 'utf8')));
  if (!resolved.ok) throw new Error(JSON.stringify(resolved.issues));
  const files: RenderedFile[] = await renderGoldenPath(goldenPath, resolved.spec);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `slipway-e2e-worker-alerts-${example}-`));
  for (const file of files) {
    await fs.mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await fs.writeFile(path.join(dir, file.path), file.content);
  }
  return { dir, environments: resolved.spec.environments.map(environment => environment.name) };
}


// pod-options runs a CronJob in every environment, which adds CronJobFailed (a 7th rule) and its unit tests.
describe.each([
  ['rabbitmq', 6],
  ['redis', 6],
  ['nats', 6],
  ['three-environments', 6],
  ['pod-options', 7],
])('the node-worker %s example\'s alerts under promtool', (example, ruleCount) => {
  let repo: { dir: string; environments: string[] };
  beforeAll(async () => {
    repo = await renderInto(example);
  });
  afterAll(() => repo && fs.rm(repo.dir, { recursive: true, force: true }));

  it('every environment: promtool check rules and test rules pass', async () => {
    for (const environment of repo.environments) {
      const rulesFile = await writePromtoolRulesFile(repo.dir, environment);
      const check = await runOk(findPromtool(), ['check', 'rules', rulesFile]);
      expect(check.stdout).toMatch(new RegExp(`SUCCESS: ${ruleCount} rules found`));
      const tests = await runOk(findPromtool(), ['test', 'rules', path.join(repo.dir, 'deploy/tests', `alerts-${environment}.test.yaml`)], { timeoutMs: 60_000 });
      expect(tests.stdout).toMatch(/SUCCESS/);
    }
  }, 120_000);
});

describe('the worker\'s alert unit tests catch a reintroduced defect', () => {
  it('fail when MetricsAbsent no longer asks for running pods, so a worker KEDA scaled to zero would open tickets', async () => {
    const { dir } = await renderInto('rabbitmq');
    try {
      const rulesFile = await writePromtoolRulesFile(dir, 'staging');
      const rules = parse(await fs.readFile(rulesFile, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> };
      const absent = rules.groups.flatMap(group => group.rules).find(rule => rule.alert === 'MetricsAbsent')!;
      absent.expr = absent.expr.split('\nand on ()')[0];
      expect(absent.expr).toMatch(/^absent\(up\{[^}]*\}\)\s*$/);
      await fs.writeFile(rulesFile, stringify(rules));
      const tests = await run(findPromtool(), ['test', 'rules', path.join(dir, 'deploy/tests/alerts-staging.test.yaml')], { timeoutMs: 60_000 });
      expect(tests.code).not.toBe(0);
      expect(tests.stdout + tests.stderr).toMatch(/alertname: MetricsAbsent/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
