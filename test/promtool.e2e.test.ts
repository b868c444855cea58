/**
 * The generated alerts under the real promtool (Debian's prometheus package), for both variants
 * and both environments, the way the generated repo's CI job "alerts" runs them: the
 * PrometheusRule's `spec` (here from `kustomize build` of the overlay, i.e. what deploys) becomes
 * a Prometheus rules file, `promtool check rules` checks it, and `promtool test rules` runs the
 * repo's own unit tests in deploy/tests (every alert fires on its bad case, none on healthy
 * traffic or on a finished Job's pod). A reintroduced defect fails here: the test below also runs
 * the tests against the old PodsNotReady rule, which fired on the migration Job's pod.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse, stringify } from 'yaml';
import { generateRepo, readValuesFile } from './support/generatedRepo';
import { run, runOk } from './support/processes';
import { findPromtool, writePromtoolRulesFile } from './support/prometheus';


describe.each([
  ['default', 'skeletons/node-service/examples/minimal.yaml'],
  ['postgres', 'skeletons/node-service/examples/postgres.yaml'],
])('the %s variant\'s alerts under promtool', (_variant, valuesFile) => {
  let dir: string;
  beforeAll(async () => {
    ({ dir } = await generateRepo(await readValuesFile(valuesFile)));
  });
  afterAll(() => dir && fs.rm(dir, { recursive: true, force: true }));

  it.each(['staging', 'production'])('%s: promtool check rules and test rules pass', async environment => {
    const rulesFile = await writePromtoolRulesFile(dir, environment);
    const check = await runOk(findPromtool(), ['check', 'rules', rulesFile]);
    expect(check.stdout).toMatch(/SUCCESS: 6 rules found/);
    const tests = await runOk(findPromtool(), ['test', 'rules', path.join(dir, 'deploy/tests', `alerts-${environment}.test.yaml`)], { timeoutMs: 60_000 });
    expect(tests.stdout).toMatch(/SUCCESS/);
  }, 90_000);
});

// Three environments: dev's alerts carry the severities its spec sets (page and ticket info), and
// its unit tests expect exactly those (staging and production render as in the default variant).
describe('the three-environment example\'s dev alerts under promtool', () => {
  let dir: string;
  beforeAll(async () => {
    ({ dir } = await generateRepo(await readValuesFile('skeletons/node-service/examples/three-environments.yaml')));
  });
  afterAll(() => dir && fs.rm(dir, { recursive: true, force: true }));

  it('dev: promtool check rules and test rules pass with its own severities', async () => {
    const rulesFile = await writePromtoolRulesFile(dir, 'dev');
    expect((await fs.readFile(rulesFile, 'utf8')).match(/severity: \w+/g)?.every(label => label === 'severity: info')).toBe(true);
    await runOk(findPromtool(), ['check', 'rules', rulesFile]);
    const tests = await runOk(findPromtool(), ['test', 'rules', path.join(dir, 'deploy/tests/alerts-dev.test.yaml')], { timeoutMs: 60_000 });
    expect(tests.stdout).toMatch(/SUCCESS/);
  }, 90_000);
});

// The log-output example runs a CronJob in production only: production has CronJobFailed (7
// rules) with its unit tests (a failed run of the CronJob alerts, a failed migration Job does not).
describe('the log-output example\'s CronJobFailed alert under promtool', () => {
  let dir: string;
  beforeAll(async () => {
    ({ dir } = await generateRepo(await readValuesFile('skeletons/node-service/examples/log-output.yaml')));
  });
  afterAll(() => dir && fs.rm(dir, { recursive: true, force: true }));

  it.each([
    ['staging', 6],
    ['production', 7],
  ])('%s: promtool check rules finds %d rules, and test rules pass', async (environment, rules) => {
    const rulesFile = await writePromtoolRulesFile(dir, environment as string);
    const check = await runOk(findPromtool(), ['check', 'rules', rulesFile]);
    expect(check.stdout).toMatch(new RegExp(`SUCCESS: ${rules} rules found`));
    const tests = await runOk(findPromtool(), ['test', 'rules', path.join(dir, 'deploy/tests', `alerts-${environment}.test.yaml`)], { timeoutMs: 60_000 });
    expect(tests.stdout).toMatch(/SUCCESS/);
  }, 90_000);
});

describe('the alert unit tests catch a reintroduced defect', () => {
  it('fail when PodsNotReady counts a finished Job\'s pod again', async () => {
    const { dir } = await generateRepo(await readValuesFile('skeletons/node-service/examples/postgres.yaml'));
    try {
      const rulesFile = await writePromtoolRulesFile(dir, 'production');
      const rules = parse(await fs.readFile(rulesFile, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; expr: string }> }> };
      const podsNotReady = rules.groups.flatMap(group => group.rules).find(rule => rule.alert === 'PodsNotReady')!;
      // The expression as it was before issue 8: no owner check, and every pod summed into one series.
      podsNotReady.expr = 'sum(kube_pod_status_ready{condition="false", pod=~"billing-.*"}) > 0';
      await fs.writeFile(rulesFile, stringify(rules));
      const tests = await run(findPromtool(), ['test', 'rules', path.join(dir, 'deploy/tests/alerts-production.test.yaml')], { timeoutMs: 60_000 });
      expect(tests.code).not.toBe(0);
      expect(tests.stdout + tests.stderr).toMatch(/alertname: PodsNotReady/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
