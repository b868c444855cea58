import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { main } from './cli';
import { exitCodeForDryRunError } from './commands';
import { EXIT } from './errors';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('slipway main()', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-cli-'));
    await fs.writeFile(path.join(dir, 'values.yaml'), 'name: orders\nowner: group:default/team-a\ndescription: Takes orders.\n');
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('prints help and exits 0', async () => {
    const { io, out } = capture();
    expect(await main(['--help'], io)).toBe(EXIT.OK);
    expect(out.join('\n')).toContain('Exit codes:');
  });

  it('renders, then validates the result (exit 0), and --json prints the report', async () => {
    const out = path.join(dir, 'out');
    const r = capture();
    expect(await main(['render', '--values', path.join(dir, 'values.yaml'), '--out', out], r.io)).toBe(EXIT.OK);
    expect(r.out.join('\n')).toMatch(/Rendered orders \(node-service, database: none\): \d+ files/);
    expect(await fs.readFile(path.join(out, 'catalog-info.yaml'), 'utf8')).toContain('name: orders');

    const v = capture();
    expect(await main(['validate', out, '--no-kustomize', '--json'], v.io)).toBe(EXIT.OK);
    const report = JSON.parse(v.out.join('\n'));
    expect(report).toMatchObject({ ok: true, problems: [] });
  });

  it('renders a whole system, one folder per part, and each part validates', async () => {
    const out = path.join(dir, 'system');
    const r = capture();
    const values = path.join(__dirname, '..', '..', '..', 'examples', 'systems', 'bookstore.yaml');
    expect(await main(['render-system', '--values', values, '--out', out], r.io)).toBe(EXIT.OK);
    expect(r.out.join('\n')).toMatch(
      /^Rendered system bookstore: storefront \(static-frontend, \d+ files\), catalog \(node-service, \d+ files\), orders \(node-service, \d+ files\), payments-worker \(node-worker, \d+ files\), bookstore-system \(system repo, 6 files\) into /,
    );
    expect((await fs.readdir(out)).sort()).toEqual(['bookstore-system', 'catalog', 'orders', 'payments-worker', 'storefront']);
    // The system repo holds the app-of-apps of each environment and the bootstrap.
    expect((await fs.readdir(path.join(out, 'bookstore-system', 'argocd'))).sort()).toEqual(['apps.yaml', 'dev.yaml', 'production.yaml', 'staging.yaml']);
    // The catalog admits the storefront's pods from the storefront's namespace.
    expect(await fs.readFile(path.join(out, 'catalog', 'deploy/overlays/staging/networkpolicy-peers.yaml'), 'utf8')).toContain('kubernetes.io/metadata.name: bookstore-staging');
    const v = capture();
    expect(await main(['validate', path.join(out, 'catalog'), '--no-kustomize', '--json'], v.io)).toBe(EXIT.OK);
  });

  it('renders a config-repo system with its config repo beside the app repos, and validates the config repo with them', async () => {
    const out = path.join(dir, 'log-pong');
    const r = capture();
    const values = path.join(__dirname, '..', '..', '..', 'examples', 'systems', 'log-pong.yaml');
    expect(await main(['render-system', '--values', values, '--out', out], r.io)).toBe(EXIT.OK);
    expect(r.out.join('\n')).toMatch(/, log-pong-config \(config repo, \d+ files\), log-pong-system \(system repo, 2 files\) into /);
    expect((await fs.readdir(out)).sort()).toEqual(['log-output', 'log-pong-config', 'log-pong-system', 'pingpong']);
    await expect(fs.stat(path.join(out, 'pingpong', 'deploy'))).rejects.toThrow(/ENOENT/);
    const v = capture();
    expect(await main(['validate', path.join(out, 'log-pong-config'), '--no-kustomize', '--json'], v.io)).toBe(EXIT.OK);
    const report = JSON.parse(v.out.join('\n'));
    expect(report).toMatchObject({ ok: true, problems: [] });
    // Both apps were found beside it and checked with their app repos.
    expect(report.notices.join('\n')).not.toContain('was not at hand');
    expect(report.notices.join('\n')).toContain('apps/pingpong');
  });

  it('validates the system before writing: a repo that does not build exits 1 with its problems, and nothing is written', async () => {
    // A skeleton edit that leaves node-service's peers file empty (so it is left out) while its overlay still lists it.
    const skeletons = path.join(dir, 'skeletons-edited');
    await fs.cp(path.join(__dirname, '..', '..', '..', 'skeletons'), skeletons, { recursive: true });
    await fs.writeFile(path.join(skeletons, 'node-service', 'deploy/overlays/[environment]/networkpolicy-peers.yaml.hbs'), '{{!-- dropped --}}\n');
    const out = path.join(dir, 'system-unbuilt');
    const { io, err } = capture();
    const values = path.join(__dirname, '..', '..', '..', 'examples', 'systems', 'bookstore.yaml');
    expect(await main(['render-system', '--values', values, '--out', out, '--skeletons-dir', skeletons], io)).toBe(EXIT.PROBLEMS);
    const text = err.join('\n');
    expect(text).toMatch(/^catalog:$/m);
    expect(text).toContain('networkpolicy-peers.yaml');
    expect(text).toContain('The system bookstore did not validate, so nothing was written to');
    await expect(fs.stat(out)).rejects.toThrow(/ENOENT/);
  }, 240_000);

  it('exits 2 naming the part and its field when a part\'s values fail, and writes nothing', async () => {
    await fs.writeFile(
      path.join(dir, 'system.yaml'),
      'name: shop\nowner: group:default/team-a\ndescription: A shop.\nparts:\n  - name: api\n    goldenPath: node-service\n    values:\n      description: The API.\n      port: 70000\n',
    );
    const out = path.join(dir, 'system');
    const { io, err } = capture();
    expect(await main(['render-system', '--values', path.join(dir, 'system.yaml'), '--out', out], io)).toBe(EXIT.BAD_INPUT);
    expect(err.join('\n')).toMatch(/^ {2}parts\.api\.values\.port: must be between 1 and 65535/m);
    await expect(fs.stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('exits 1 with a readable report when the repo has problems', async () => {
    const out = path.join(dir, 'out');
    await main(['render', '--values', path.join(dir, 'values.yaml'), '--out', out], capture().io);
    await fs.appendFile(path.join(out, 'deploy/base/hpa.yaml'), '\nbroken: [\n');
    const v = capture();
    expect(await main(['validate', out, '--no-kustomize'], v.io)).toBe(EXIT.PROBLEMS);
    expect(v.out.join('\n')).toContain('deploy/base/hpa.yaml');
  });

  it('exits 2 on spec errors, naming every field and rule, and writes nothing', async () => {
    await fs.writeFile(path.join(dir, 'bad.yaml'), 'name: Foo_Bar\nowner: group:default/team-a\ndescription: x\nport: 70000\ndatabase: mysql\n');
    const out = path.join(dir, 'out');
    const { io, err } = capture();
    expect(await main(['render', '--values', path.join(dir, 'bad.yaml'), '--out', out], io)).toBe(EXIT.BAD_INPUT);
    const text = err.join('\n');
    expect(text).toMatch(/^ {2}name: must be a DNS-1123 label/m);
    expect(text).toMatch(/^ {2}port: must be between 1 and 65535/m);
    expect(text).toMatch(/^ {2}database: must be one of none, postgres/m);
    await expect(fs.stat(out)).rejects.toThrow(/ENOENT/);
  });

  it('exits 2 for unreadable or malformed values files, a non-empty --out, a missing folder and bad flags', async () => {
    await fs.writeFile(path.join(dir, 'list.yaml'), '- a\n- b\n');
    await fs.writeFile(path.join(dir, 'broken.yaml'), 'name: [\n');
    await fs.mkdir(path.join(dir, 'full'));
    await fs.writeFile(path.join(dir, 'full', 'keep'), 'x');
    const cases: Array<[string[], RegExp]> = [
      [['render', '--values', path.join(dir, 'missing.yaml'), '--out', path.join(dir, 'o')], /cannot read values file .*ENOENT/],
      [['render', '--values', path.join(dir, 'list.yaml'), '--out', path.join(dir, 'o')], /must hold a mapping/],
      [['render', '--values', path.join(dir, 'broken.yaml'), '--out', path.join(dir, 'o')], /is not valid YAML/],
      [['render', '--values', path.join(dir, 'values.yaml'), '--out', path.join(dir, 'full')], /refusing to write into .*not empty/],
      [['render', '--values', path.join(dir, 'values.yaml'), '--out', path.join(dir, 'values.yaml')], /is a file, not a folder/],
      [['render', '--values', path.join(dir, 'values.yaml'), '--out', path.join(dir, 'o'), '--golden-path', 'no-such-path'], /no golden path named no-such-path; the golden paths are node-service/],
      [['validate', path.join(dir, 'nowhere')], /is not a folder/],
      [['render', '--nope'], /Unknown option/],
      [['dry-run', '--template', path.join(dir, 'values.yaml'), '--values', path.join(dir, 'values.yaml'), '--out', path.join(dir, 'o')], /not a Backstage Template/],
    ];
    for (const [argv, message] of cases) {
      const { io, err } = capture();
      expect({ argv, code: await main(argv, io) }).toEqual({ argv, code: EXIT.BAD_INPUT });
      expect(err.join('\n')).toMatch(message);
    }
    expect(await fs.readdir(path.join(dir, 'full'))).toEqual(['keep']);
    await expect(fs.stat(path.join(dir, 'o'))).rejects.toThrow(/ENOENT/);
  });

  it('maps dry-run failures to exit codes', () => {
    expect(exitCodeForDryRunError(500, 'slipway:validate: 2 problem(s) in .\n...')).toBe(EXIT.PROBLEMS);
    expect(exitCodeForDryRunError(500, 'slipway:service:generate: invalid input, nothing was written:\n  - name: ...')).toBe(EXIT.BAD_INPUT);
    expect(exitCodeForDryRunError(400, 'Input template is not a template')).toBe(EXIT.BAD_INPUT);
    expect(exitCodeForDryRunError(500, 'Template action with ID x is not registered')).toBe(EXIT.FAILURE);
  });
});

describe('finding: alias bombs, unresolved aliases and a dangling-symlink --out exit 3 with a stack trace', () => {
  it('reports an unexpected error in one line, without its stack (exit 3)', async () => {
    // An output stream that fails (say, a closed pipe) is a failure no command expects.
    const err: string[] = [];
    const io = {
      stdout: () => {
        throw new TypeError('cannot write to stdout\nsecond line');
      },
      stderr: (text: string) => void err.push(text),
    };
    expect(await main(['--help'], io)).toBe(EXIT.FAILURE);
    expect(err).toEqual(['slipway: unexpected error: TypeError: cannot write to stdout']);
  });
});

describe('finding: terminal escapes from a bad values file reach stderr', () => {
  it('escapes control characters in everything main prints, whatever the io', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-cli-'));
    try {
      const values = path.join(dir, 'v\u001b[2J.yaml');
      await fs.writeFile(values, 'name: "a\u0007b"\nowner: team-a\ndescription: x\n"k\u001bey\u009b": 1\n');
      const { io, out, err } = capture();
      expect(await main(['render', '--values', values, '--out', path.join(dir, 'o')], io)).toBe(EXIT.BAD_INPUT);
      const text = [...out, ...err].join('\n');
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(text).toContain('v\\u001b[2J.yaml');
      expect(text).toContain('k\\u001bey\\u009b: is not a known field');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
