/**
 * CI's image bump in a system's config repo is race-safe as generated. The two steps of each
 * part's deploy job (pin the digest, commit and push; skeletons/_shared/ci-pin-image.hbs) are
 * taken from the rendered workflows of todo's todo-backend and broadcaster and run with bash
 * against clones of one bare repo holding the rendered config repo, the way two app repos'
 * workflows push to it: GitHub's concurrency groups are per repository, so nothing serialises
 * them. Both bumps must land on main, also when one push is rejected as non-fast-forward.
 *
 * `kustomize edit set image` is stood in for by a small script on PATH (no kustomize binary here
 * edits; the shipped kubectl only builds): what is under test is the Git side of the steps.
 */
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { promisify } from 'util';
import { parse } from 'yaml';
import { renderSystem, type RenderedFile } from '@slipway/render';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { readValuesFile } from './support/generatedRepo';

const run = promisify(execFile);

interface Step {
  name?: string;
  run?: string;
}

/** The deploy job's pin and push scripts, as the workflow runs them. */
function deployScripts(files: readonly RenderedFile[]): { image: string; pin: string; push: string } {
  const workflow = parse(files.find(file => file.path === '.github/workflows/ci.yaml')!.content);
  const steps = workflow.jobs.deploy.steps as Step[];
  const script = (name: string) => {
    const found = steps.find(step => step.name === name)?.run;
    if (!found) throw new Error(`no step ${name} in the deploy job`);
    return found;
  };
  return { image: workflow.env.IMAGE, pin: script('Pin the image in the overlay'), push: script('Commit and push') };
}

// `kustomize edit set image NAME=NEWNAME@DIGEST` on ./kustomization.yaml, as kustomize writes it (images[].name, newName, digest).
const KUSTOMIZE_SHIM = `#!/usr/bin/env node
const fs = require('fs');
const YAML = require(${JSON.stringify(require.resolve('yaml'))});
const [verb, what, kind, argument] = process.argv.slice(2);
if (verb !== 'edit' || what !== 'set' || kind !== 'image') { console.error('shim: only edit set image'); process.exit(2); }
const [name, target] = argument.split('=');
const [newName, digest] = target.split('@');
const document = YAML.parseDocument(fs.readFileSync('kustomization.yaml', 'utf8'));
const images = (document.get('images') && document.get('images').toJSON()) || [];
const entry = images.find(image => image.name === name) || images[images.push({ name }) - 1];
Object.assign(entry, { newName, digest });
delete entry.newTag;
document.set('images', images);
fs.writeFileSync('kustomization.yaml', document.toString());
`;

describe("todo's CI bumps in the config repo", () => {
  let root: string;
  let bare: string;
  let env: NodeJS.ProcessEnv;
  let parts: Record<string, { image: string; pin: string; push: string }>;

  const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env });

  /** Runs one part's deploy steps in `clone` with the job's env. */
  async function bump(clone: string, part: string, digest: string): Promise<{ stdout: string; stderr: string }> {
    const { image, pin, push } = parts[part];
    const stepEnv = { ...env, IMAGE: image, ENVIRONMENT: 'staging', DIGEST: digest, TAG: `sha-${digest.slice(7, 14)}` };
    await run('bash', ['-c', pin], { cwd: clone, env: stepEnv });
    return run('bash', ['-c', push], { cwd: clone, env: stepEnv });
  }

  beforeAll(async () => {
    const rendered = await renderSystem(await readValuesFile('examples/systems/todo.yaml'), { goldenPaths: createGoldenPathRegistry() });
    if (!rendered.ok || !rendered.configRepo) throw new Error('todo did not render with a config repo');
    parts = Object.fromEntries(rendered.parts.map(part => [part.part.name, deployScripts(part.files)]));

    root = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-config-bump-')));
    const bin = path.join(root, 'bin');
    await fs.mkdir(bin);
    await fs.writeFile(path.join(bin, 'kustomize'), KUSTOMIZE_SHIM, { mode: 0o755 });
    env = {
      PATH: `${bin}:${process.env.PATH}`,
      HOME: root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'seed',
      GIT_AUTHOR_EMAIL: 'seed@example.com',
      GIT_COMMITTER_NAME: 'seed',
      GIT_COMMITTER_EMAIL: 'seed@example.com',
    };
    bare = path.join(root, 'todo-config.git');
    await run('git', ['init', '--bare', '--initial-branch=main', bare], { env });
    const seed = path.join(root, 'seed');
    for (const file of rendered.configRepo.files) {
      await fs.mkdir(path.dirname(path.join(seed, file.path)), { recursive: true });
      await fs.writeFile(path.join(seed, file.path), file.content);
    }
    await git(seed, 'init', '--initial-branch=main');
    await git(seed, 'add', '.');
    await git(seed, 'commit', '-q', '-m', 'the rendered config repo');
    await git(seed, 'push', '-q', bare, 'HEAD:main');
  }, 60_000);

  afterAll(async () => {
    if (root) await fs.rm(root, { recursive: true, force: true });
  });

  async function clone(name: string): Promise<string> {
    const dir = path.join(root, name);
    await git(root, 'clone', '-q', bare, dir);
    return dir;
  }

  async function landed(): Promise<{ subjects: string[]; digests: Record<string, string | undefined> }> {
    const check = await clone(`check-${Date.now()}`);
    const { stdout } = await git(check, 'log', '--format=%s', 'main');
    const digests: Record<string, string | undefined> = {};
    for (const part of Object.keys(parts)) {
      const kustomization = parse(await fs.readFile(path.join(check, `apps/${part}/overlays/staging/kustomization.yaml`), 'utf8'));
      digests[part] = (kustomization.images as Array<{ name: string; digest?: string }> | undefined)?.find(image => image.name === parts[part].image)?.digest;
    }
    return { subjects: stdout.trim().split('\n'), digests };
  }

  it('lands both services\' bumps when the second push is rejected because the first landed in between', async () => {
    const backend = await clone('backend');
    const broadcaster = await clone('broadcaster');
    const backendDigest = `sha256:${'a'.repeat(64)}`;
    const broadcasterDigest = `sha256:${'b'.repeat(64)}`;
    // Between broadcaster's pull and its push, todo-backend's workflow lands its bump (run from
    // the pre-push hook, once): broadcaster's push is then not a fast-forward.
    const marker = path.join(root, 'backend-landed');
    const hook = path.join(broadcaster, '.git/hooks/pre-push');
    await fs.writeFile(
      hook,
      `#!/usr/bin/env bash\n[ -e ${JSON.stringify(marker)} ] && exit 0\ntouch ${JSON.stringify(marker)}\n` +
        `cd ${JSON.stringify(backend)} && IMAGE=${JSON.stringify(parts['todo-backend'].image)} DIGEST=${backendDigest} ENVIRONMENT=staging TAG=sha-aaaaaaa ` +
        `bash -c ${shellQuote(parts['todo-backend'].pin)} && IMAGE=${JSON.stringify(parts['todo-backend'].image)} DIGEST=${backendDigest} ENVIRONMENT=staging TAG=sha-aaaaaaa ` +
        `bash -c ${shellQuote(parts['todo-backend'].push)} >/dev/null\n`,
      { mode: 0o755 },
    );
    const result = await bump(broadcaster, 'broadcaster', broadcasterDigest);
    await expect(fs.stat(marker)).resolves.toBeTruthy();
    // The first push was refused (the remote had moved on), the retry rebased and pushed.
    expect(result.stderr).toMatch(/rejected|non-fast-forward|fetch first/);
    const { subjects, digests } = await landed();
    expect(subjects.slice(0, 2).sort()).toEqual([
      `deploy(broadcaster, staging): ${parts.broadcaster.image}@${broadcasterDigest} (sha-bbbbbbb)`,
      `deploy(todo-backend, staging): ${parts['todo-backend'].image}@${backendDigest} (sha-aaaaaaa)`,
    ]);
    expect(digests).toMatchObject({ broadcaster: broadcasterDigest, 'todo-backend': backendDigest });
  }, 120_000);

  it('lands all three services\' bumps when their workflows push at the same time', async () => {
    const digests = Object.fromEntries(Object.keys(parts).map((part, index) => [part, `sha256:${String(index + 3).repeat(64)}`]));
    const clones = await Promise.all(Object.keys(parts).map(part => clone(`concurrent-${part}`)));
    await Promise.all(Object.keys(parts).map((part, index) => bump(clones[index], part, digests[part])));
    expect((await landed()).digests).toEqual(digests);
  }, 120_000);
});

/** One argument for bash, single-quoted. */
function shellQuote(text: string): string {
  return `'${text.split("'").join(`'\\''`)}'`;
}
