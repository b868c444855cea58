/**
 * scripts/ensure-test-system.js, which `npm test` runs first: it finds the system programs the
 * tests drive (Chromium, PostgreSQL) and installs the missing ones from Debian's apt. The
 * install itself is proven by a fresh machine (the closing note of issue 7: Chromium missing,
 * installed in 18 s, then the browser tests passed); here, what it decides and says.
 */
import { spawnSync } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { REPO_ROOT } from './support/generatedRepo';

const SCRIPT = path.join(REPO_ROOT, 'scripts/ensure-test-system.js');
type Requirement = { name: string; apt: string[]; usedBy: string; env?: string; paths?: string[]; commands?: string[] };
const testSystem = require(SCRIPT) as {
  REQUIREMENTS: Requirement[];
  locate(req: Requirement, env?: NodeJS.ProcessEnv): string | undefined;
};

function runScript(env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [SCRIPT], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

// Issue 7: "npm test fails in a fresh clone on a fresh machine of this kind: 3 browser tests fail
// with 'Chromium not found at /usr/bin/chromium'."
describe('finding: npm test fails in a fresh clone on a fresh machine (Chromium not found)', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-ensure-'));
  });
  afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

  async function executable(file: string): Promise<string> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '#!/bin/sh\n', { mode: 0o755 });
    return file;
  }

  it('requires what the tests launch: Chromium and the PostgreSQL server, each with its Debian package', () => {
    expect(testSystem.REQUIREMENTS.map(req => [req.name, req.apt])).toEqual(
      expect.arrayContaining([
        ['Chromium', ['chromium']],
        ['PostgreSQL server', ['postgresql']],
      ]),
    );
  });

  it('finds a program by its variable, its paths (newest version first) or PATH, and only executable files', async () => {
    const req: Requirement = { name: 'x', apt: ['x'], usedBy: 'a test', env: 'X_BIN', paths: [`${tmp}/lib/*/bin/x`], commands: ['x-cmd'] };
    expect(testSystem.locate(req, { PATH: '' })).toBeUndefined();
    await executable(path.join(tmp, 'lib/9.6/bin/x'));
    const newest = await executable(path.join(tmp, 'lib/15/bin/x'));
    expect(testSystem.locate(req, { PATH: '' })).toBe(newest);
    await fs.writeFile(path.join(tmp, 'not-executable'), 'x', { mode: 0o644 });
    // A set variable is the only answer, so a typo is caught instead of silently launching another binary.
    expect(testSystem.locate(req, { PATH: '', X_BIN: path.join(tmp, 'not-executable') })).toBeUndefined();
    const onPath = await executable(path.join(tmp, 'path-dir/x-cmd'));
    expect(testSystem.locate({ ...req, env: undefined, paths: [] }, { PATH: path.dirname(onPath) })).toBe(onPath);
  });

  it('is silent and quick when everything is there (this machine: npm test already ran it)', () => {
    expect(runScript({})).toEqual({ status: 0, stderr: '', stdout: '' });
  });

  it('stops with a clear message, installing nothing, when SLIPWAY_CHROMIUM points nowhere', () => {
    const result = runScript({ SLIPWAY_CHROMIUM: path.join(tmp, 'no-such-chromium') });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`ensure-test-system: SLIPWAY_CHROMIUM=${path.join(tmp, 'no-such-chromium')} is not an executable file; fix or unset it\n`);
  });
});
