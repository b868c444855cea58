/**
 * The built `slipway` bin against hostile or broken input, one describe per finding of issue 7,
 * section 3: what a user (or an attacker's repo) can make the CLI do. Needs `npx tsc -b` first.
 */
import { execFile } from 'child_process';
import { existsSync, promises as fs } from 'fs';
import http from 'http';
import { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import { formatValidationReport, validateRepoDir } from '@slipway/validate';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'packages/slipway-cli/bin/slipway.js');
const MINIMAL = path.join(ROOT, 'skeletons/node-service/examples/minimal.yaml');
const TEMPLATE = path.join(ROOT, 'skeletons/node-service/template.yaml');
const ONE_MIB = 1024 * 1024;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bin, optionally under a wrapper such as `prlimit --fsize=N`. */
function slipway(args: string[], cwd: string, wrapper: string[] = []): Promise<Run> {
  const [command, ...prefix] = wrapper.length ? wrapper : [process.execPath];
  const argv = wrapper.length ? [...prefix, process.execPath, BIN, ...args] : [BIN, ...args];
  return new Promise(resolve => {
    execFile(command, argv, { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number }).code ?? -1) : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

/** A stack frame as Node prints it: "    at fn (/path/file.js:1:2)". */
const STACK_FRAME = /^\s+at .+[:(]/m;

/** A loopback HTTP server standing in for a cloud metadata endpoint; it counts every request. */
async function countingServer(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.end('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\ndata:\n  AccessKeyId: AKIAEXAMPLE\n');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise(resolve => server.close(() => resolve())) };
}

let rendered: string;
let dir: string;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'packages/slipway-cli/dist/cli.js'))) {
    throw new Error('packages/slipway-cli/dist is missing: run `npx tsc -b` (npm test does) before this test');
  }
  rendered = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-hardening-render-'));
  const run = await slipway(['render', '--values', MINIMAL, '--out', 'repo'], rendered);
  if (run.code !== 0) throw new Error(`render failed: ${run.stderr}`);
});
afterAll(async () => {
  await fs.rm(rendered, { recursive: true, force: true });
});
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-hardening-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A copy of the repo rendered from skeletons/node-service/examples/minimal.yaml, to edit. */
async function repoCopy(): Promise<string> {
  const repo = path.join(dir, 'repo');
  await fs.cp(path.join(rendered, 'repo'), repo, { recursive: true });
  return repo;
}

/** Adds lines right after a kustomization's `resources:` line. */
async function addResources(repo: string, kustomization: string, entries: string[]): Promise<void> {
  const file = path.join(repo, kustomization);
  const text = await fs.readFile(file, 'utf8');
  if (!/^resources:\n/m.test(text)) throw new Error(`${kustomization} has no resources: line`);
  await fs.writeFile(file, text.replace(/^resources:\n/m, `resources:\n${entries.map(entry => `  - ${entry}\n`).join('')}`));
}

describe('finding: slipway validate on an untrusted repo makes network requests', () => {
  it('refuses a URL in an overlay: no request reaches the server, the problem names rule, file, field and entry, exit 1', async () => {
    const server = await countingServer();
    try {
      const repo = await repoCopy();
      const url = `${server.url}/latest/meta-data/iam.yaml`;
      await addResources(repo, 'deploy/overlays/staging/kustomization.yaml', [url]);
      const run = await slipway(['validate', 'repo'], dir);
      expect(server.requests).toEqual([]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('deploy/overlays/staging/kustomization.yaml [staging]');
      expect(run.stdout).toContain(`resources[0]: "${url}" is a URL kustomize would download.`);
      expect(run.stdout).toContain('so this overlay was not built. [kustomize-remote-source]');
      expect(run.stdout).toMatch(/\(overlays built: production\)$/m);
      expect(run.stdout).not.toContain('AKIAEXAMPLE');
      expect(run.stdout).not.toContain('leaked');

      const json = await slipway(['validate', 'repo', '--json'], dir);
      expect(server.requests).toEqual([]);
      expect(JSON.parse(json.stdout).problems).toContainEqual({
        check: 'kustomize',
        rule: 'kustomize-remote-source',
        file: 'deploy/overlays/staging/kustomization.yaml',
        environment: 'staging',
        message: expect.stringContaining(`resources[0]: "${url}"`),
      });
    } finally {
      await server.close();
    }
  });

  it('refuses git remotes in the shared base, for every overlay, without cloning', async () => {
    const server = await countingServer();
    try {
      const repo = await repoCopy();
      const remotes = [
        `${server.url.replace('http:', 'https:')}/org/repo.git//deploy?ref=v1`,
        `${server.url}/org/repo//deploy?ref=v1`,
        'github.com/org/repo//deploy/base?ref=v1',
        'git@github.com:org/repo.git',
        'ssh://git@127.0.0.1/org/repo.git',
      ];
      await addResources(repo, 'deploy/base/kustomization.yaml', remotes);
      const run = await slipway(['validate', 'repo', '--json'], dir);
      expect(server.requests).toEqual([]);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout);
      const refused = report.problems.filter((problem: { rule: string }) => problem.rule === 'kustomize-remote-source');
      expect(refused.map((problem: { message: string }) => problem.message.split(':')[0])).toEqual(remotes.map((_, i) => `resources[${i}]`));
      expect(refused.every((problem: { file: string; environment: string }) => problem.file === 'deploy/base/kustomization.yaml' && problem.environment === 'staging, production')).toBe(true);
      expect(report.stats.overlaysBuilt).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('refuses helmCharts, which download charts', async () => {
    const repo = await repoCopy();
    await fs.appendFile(
      path.join(repo, 'deploy/overlays/production/kustomization.yaml'),
      'helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n    version: 18.0.0\n',
    );
    const run = await slipway(['validate', 'repo'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/deploy\/overlays\/production\/kustomization\.yaml \[production\]\n {4}helmCharts inflates a Helm chart, which kustomize downloads .*\[kustomize-remote-source\]/);
    expect(run.stdout).toMatch(/\(overlays built: staging\)$/m);
  });

  it('refuses a ../../ path and a symbolic link that lead out of the repo', async () => {
    const repo = await repoCopy();
    const outside = path.join(dir, 'outside');
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'credentials'), 'aws_secret_access_key = hunter2\n');
    await addResources(repo, 'deploy/overlays/staging/kustomization.yaml', ['../../../../outside']);
    await fs.appendFile(
      path.join(repo, 'deploy/overlays/production/kustomization.yaml'),
      'configMapGenerator:\n  - name: leak\n    files: [credentials]\n',
    );
    await fs.symlink(path.join(outside, 'credentials'), path.join(repo, 'deploy/overlays/production/credentials'));
    const run = await slipway(['validate', 'repo', '--json'], dir);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.problems.filter((problem: { rule: string }) => problem.rule === 'kustomize-source-outside-repo')).toEqual([
      expect.objectContaining({ file: 'deploy/overlays/staging/kustomization.yaml', environment: 'staging', message: expect.stringMatching(/^resources\[0\]: "\.\.\/\.\.\/\.\.\/\.\.\/outside" leads outside the repo\./) }),
      expect.objectContaining({
        file: 'deploy/overlays/production/kustomization.yaml',
        environment: 'production',
        message: expect.stringMatching(/^configMapGenerator\[0\]\.files\[0\]: "credentials" goes through a symbolic link that leads outside the repo\./),
      }),
    ]);
    expect(report.stats.overlaysBuilt).toEqual([]);
    expect(run.stdout).not.toContain('hunter2');
  });
});

describe('finding: values files have no size cap and a quadratic duplicate-key check', () => {
  const valid = 'name: orders\nowner: group:default/team-a\ndescription: Takes orders.\n';

  it('refuses a values file over 1 MiB with exit 2, naming the file and the limit', async () => {
    await fs.writeFile(path.join(dir, 'big.yaml'), `${valid}#${'x'.repeat(ONE_MIB)}\n`);
    const run = await slipway(['render', '--values', 'big.yaml', '--out', 'repo'], dir);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^slipway: values file big\.yaml is \d+ bytes, over the limit of 1 MiB \(1048576 bytes\); a values file needs only a few KB\n$/);
    expect(existsSync(path.join(dir, 'repo'))).toBe(false);
  });

  it('stops reading an endless device at the cap', async () => {
    const run = await slipway(['render', '--values', '/dev/zero', '--out', 'repo'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('slipway: values file /dev/zero is larger than the limit of 1 MiB (1048576 bytes); a values file needs only a few KB\n');
  });

  it('reads a values file just under the cap', async () => {
    const padding = `#${'x'.repeat(ONE_MIB - valid.length - 3)}\n`;
    await fs.writeFile(path.join(dir, 'padded.yaml'), `${valid}${padding}`);
    expect((await fs.stat(path.join(dir, 'padded.yaml'))).size).toBeLessThanOrEqual(ONE_MIB);
    const run = await slipway(['render', '--values', 'padded.yaml', '--out', 'repo'], dir);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('still reports a duplicate key, naming it and its line', async () => {
    await fs.writeFile(path.join(dir, 'dup.yaml'), `${valid}port: 8080\nport: 9090\n`);
    const run = await slipway(['render', '--values', 'dup.yaml', '--out', 'repo'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'slipway: values file dup.yaml is not valid YAML:\n  line 5: duplicate key "port" (first at line 4); a key may appear only once in a mapping\n',
    );
  });
});

describe('finding: alias bombs, unresolved aliases and a dangling-symlink --out exit 3 with a stack trace', () => {
  it('exits 2 with a message for an alias bomb', async () => {
    const levels = 'abcdefghi'.split('');
    const bomb = levels.map((name, i) => `${name}: &${name} [${Array(9).fill(i === 0 ? 'lol' : `*${levels[i - 1]}`).join(', ')}]`).join('\n');
    await fs.writeFile(path.join(dir, 'bomb.yaml'), `name: orders\n${bomb}\n`);
    const run = await slipway(['render', '--values', 'bomb.yaml', '--out', 'repo'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^slipway: values file bomb\.yaml is not valid YAML:\n {2}Excessive alias count indicates a resource exhaustion attack/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
  });

  it('exits 2 with a message for an alias without an anchor, in a values file and in a template', async () => {
    await fs.writeFile(path.join(dir, 'alias.yaml'), 'name: *x\n');
    const run = await slipway(['render', '--values', 'alias.yaml', '--out', 'repo'], dir);
    expect(run).toMatchObject({ code: 2, stderr: 'slipway: values file alias.yaml is not valid YAML:\n  Unresolved alias (the anchor must be set before the alias): x\n' });
    const dryRun = await slipway(['dry-run', '--template', 'alias.yaml', '--values', MINIMAL, '--out', 'repo'], dir);
    expect(dryRun).toMatchObject({ code: 2, stderr: 'slipway: template alias.yaml is not valid YAML:\n  Unresolved alias (the anchor must be set before the alias): x\n' });
  });

  it('exits 2 with a message for a dangling symbolic link as --out, and writes nothing through it', async () => {
    await fs.symlink(path.join(dir, 'target'), path.join(dir, 'out'));
    const run = await slipway(['render', '--values', MINIMAL, '--out', 'out'], dir);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe('slipway: --out out is a symbolic link to nothing; give a new folder, or the real path of an empty one\n');
    expect(existsSync(path.join(dir, 'target'))).toBe(false);
  });

  it('prints one line without a stack for an unexpected failure (exit 3)', async () => {
    // A folder nested deeper than the system's path limit: reading the repo fails in a way no check expects.
    const repo = await repoCopy();
    const shell = (script: string) =>
      new Promise<void>((resolve, reject) => execFile('bash', ['-c', script], { cwd: repo }, error => (error ? reject(error) : resolve())));
    await shell(`set -e; cd "$(mkdir deep-notes && echo deep-notes)"; for i in $(seq 24); do mkdir ${'d'.repeat(200)}; cd ${'d'.repeat(200)}; done; echo 'a: 1' > notes.yaml`);
    try {
      const run = await slipway(['validate', 'repo', '--no-kustomize'], dir);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/^slipway: unexpected error: ENAMETOOLONG: name too long, scandir '[^\n]*'\n$/);
      expect(run.stderr).not.toMatch(STACK_FRAME);
    } finally {
      await shell('rm -rf deep-notes'); // GNU rm walks by relative paths; Node's fs.rm cannot reach that deep
    }
  });
});

describe('finding: a full disk leaves a partial repo in --out', () => {
  /** The OS fails any write past 16 KiB with EFBIG (Node ignores SIGXFSZ): package-lock.json is larger. */
  const FILE_SIZE_LIMIT = ['prlimit', '--fsize=16384'];

  beforeAll(() => {
    if (!['/usr/bin/prlimit', '/bin/prlimit'].some(existsSync)) throw new Error('prlimit (util-linux) is needed for the full-disk tests');
  });

  async function leftovers(): Promise<string[]> {
    return (await fs.readdir(dir)).filter(name => name.includes('slipway-') && name.endsWith('.tmp'));
  }

  it('render leaves no --out and no temp folder when a write fails half way', async () => {
    const run = await slipway(['render', '--values', MINIMAL, '--out', 'repo'], dir, FILE_SIZE_LIMIT);
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'slipway: could not write repo: EFBIG, a file is larger than the size limit allows. Nothing was left in repo.\n',
    );
    expect(existsSync(path.join(dir, 'repo'))).toBe(false);
    expect(await leftovers()).toEqual([]);
  });

  it('render leaves an empty --out folder empty', async () => {
    await fs.mkdir(path.join(dir, 'repo'));
    const run = await slipway(['render', '--values', MINIMAL, '--out', 'repo'], dir, FILE_SIZE_LIMIT);
    expect(run.code).toBe(3);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(await fs.readdir(path.join(dir, 'repo'))).toEqual([]);
    expect(await leftovers()).toEqual([]);
  });

  it('dry-run leaves no --out and no temp folder either', async () => {
    // Under the limit the backend's own workspace writes fail first; the --out write is the same
    // writeOutputFiles as render's (its failure half way is covered in packages/slipway-cli/src/output.test.ts).
    const run = await slipway(['dry-run', '--template', TEMPLATE, '--values', MINIMAL, '--out', 'dry'], dir, FILE_SIZE_LIMIT);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/EFBIG/);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(path.join(dir, 'dry'))).toBe(false);
    expect(await leftovers()).toEqual([]);
  });
});

describe('finding: terminal escapes from a bad values file reach stderr', () => {
  // eslint-disable-next-line no-control-regex
  const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

  it('prints ESC and BEL from a key and a value as visible escapes', async () => {
    await fs.writeFile(
      path.join(dir, 'esc.yaml'),
      'name: "or\u001b[31mders\u0007"\nowner: group:default/team-a\ndescription: x\n"ke\u001b]0;pwned\u0007y": 1\n',
    );
    const run = await slipway(['render', '--values', 'esc.yaml', '--out', 'repo'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stderr).toContain('ke\\u001b]0;pwned\\u0007y: is not a known field');
    expect(run.stderr).toMatch(/^ {2}name: /m);
  });

  it('escapes what a repo puts in the validate report, and leaves the report otherwise as it is', async () => {
    const repo = await repoCopy();
    const hpa = path.join(repo, 'deploy/base/hpa.yaml');
    await fs.writeFile(hpa, (await fs.readFile(hpa, 'utf8')).replace(/^spec:\n/m, 'spec:\n  beh\u001b[2Javior: {}\n'));
    const run = await slipway(['validate', 'repo', '--no-kustomize'], dir);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('beh\\u001b[2Javior');
    // Apart from the escapes, the report is exactly the validator's.
    const expected = formatValidationReport(await validateRepoDir(repo, { kustomize: 'skip' }));
    expect(run.stdout).toBe(`${expected.replace(/\u001b/g, '\\u001b')}\n`);

    const json = await slipway(['validate', 'repo', '--no-kustomize', '--json'], dir);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(await validateRepoDir(repo, { kustomize: 'skip' }))));
  });
});
