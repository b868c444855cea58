import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse } from 'yaml';
import { resolveServiceSpec, ServiceSpec } from '@slipway/common';
import { renderGoldenPath, renderService, RenderedFile } from '@slipway/render';
import { builtInGoldenPath, type BuiltInGoldenPathId } from '@slipway/skeletons';
import { runOk } from './processes';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export async function readValuesFile(relative: string): Promise<Record<string, unknown>> {
  return parse(await fs.readFile(path.join(REPO_ROOT, relative), 'utf8'));
}

/** Renders a spec and writes it to a new temp dir as a real git repo with one commit. */
export async function generateRepo(values: Record<string, unknown>): Promise<{ dir: string; spec: ServiceSpec; files: RenderedFile[] }> {
  const spec = resolveServiceSpec(values);
  const files = await renderService(spec);
  return { dir: await writeRepo(spec.name, files), spec, files };
}

/** Renders values with a built-in golden path and writes them as a real git repo with one commit. */
export async function generateGoldenPathRepo(id: BuiltInGoldenPathId, values: Record<string, unknown>): Promise<{ dir: string; files: RenderedFile[] }> {
  const goldenPath = builtInGoldenPath(id);
  const resolved = goldenPath.resolve(values);
  if (!resolved.ok) throw new Error(`${id} refused the values: ${resolved.issues.map(issue => `${issue.path}: ${issue.message}`).join('; ')}`);
  const files = await renderGoldenPath(goldenPath, resolved.spec);
  return { dir: await writeRepo(String((values as { name?: unknown }).name), files), files };
}

async function writeRepo(name: string, files: readonly RenderedFile[]): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `slipway-e2e-${name}-`));
  for (const file of files) {
    const target = path.join(dir, file.path);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content, { mode: file.executable ? 0o755 : 0o644 });
  }
  const git = (...args: string[]) =>
    runOk('git', ['-c', 'user.name=Slipway Test', '-c', 'user.email=test@slipway.invalid', ...args], { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'Initial commit from Slipway');
  return dir;
}
