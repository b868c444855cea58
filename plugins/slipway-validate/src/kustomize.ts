import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import path from 'path';
import {
  canRunShippedKubectl,
  defaultKubectlCacheDir,
  extractShippedKubectl,
  findShippedKubectlPackage,
  SHIPPED_KUBECTL_PACKAGE,
} from './shipped-kubectl';

export type KustomizeSource = 'env' | 'npm' | 'path';

/** How to run a kustomize build: `command ...args <dir>` prints the built YAML. */
export interface KustomizeLocator {
  command: string;
  /** `['kustomize']` for kubectl, `['build']` for a standalone kustomize. */
  args: string[];
  source: KustomizeSource;
  /** kustomize's own version, e.g. `v5.6.0`, when the binary reports it. */
  version?: string;
}

export interface LocateKustomizeOptions {
  /** Where `SLIPWAY_KUSTOMIZE` and `PATH` are read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Folder for the extracted npm-shipped kubectl. Default: `node_modules/.cache/slipway`. */
  cacheDir?: string;
  /** Sources to try, in this order. Default: env, npm, path. */
  sources?: KustomizeSource[];
  /** Told why a source was passed over, so callers can explain a missing or unexpected binary. */
  onSkipped?: (source: KustomizeSource, reason: string) => void;
}

export type KustomizeBuildResult = { ok: true; yaml: string } | { ok: false; error: string };

export const KUSTOMIZE_ENV_VAR = 'SLIPWAY_KUSTOMIZE';

const VERSION_TIMEOUT_MS = 15_000;
const DEFAULT_BUILD_TIMEOUT_MS = 60_000;
/** Built overlays of a service are a few hundred KB; this only guards against runaway output. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

interface RunOutput {
  stdout: string;
  stderr: string;
}

/** Runs a binary without a shell, so paths and arguments are never interpreted. */
function runFile(command: string, args: string[], timeoutMs: number): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        const failure = error as NodeJS.ErrnoException & { killed?: boolean };
        let message: string;
        if (failure.killed) message = `timed out after ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
        else if (failure.code === 'ENOENT') message = `${command}: not found`;
        else message = stderr.trim() || failure.message;
        reject(new Error(message));
      },
    );
  });
}

/** kubectl builds with `kubectl kustomize`; anything else is taken to be a standalone kustomize. */
function isKubectl(command: string): boolean {
  return /kubectl/i.test(path.basename(command));
}

function locatorFor(command: string, source: KustomizeSource): KustomizeLocator {
  return { command, args: isKubectl(command) ? ['kustomize'] : ['build'], source };
}

/** Asks the binary for kustomize's version; a binary that cannot answer is not usable. */
async function probeVersion(locator: KustomizeLocator): Promise<string | undefined> {
  if (locator.args[0] === 'kustomize') {
    const { stdout } = await runFile(locator.command, ['version', '--client', '-o', 'json'], VERSION_TIMEOUT_MS);
    const parsed = JSON.parse(stdout) as { kustomizeVersion?: string };
    return parsed.kustomizeVersion;
  }
  const { stdout } = await runFile(locator.command, ['version'], VERSION_TIMEOUT_MS);
  return stdout.trim().split('\n')[0] || undefined;
}

async function withVersion(locator: KustomizeLocator): Promise<KustomizeLocator> {
  const version = await probeVersion(locator);
  return version ? { ...locator, version } : locator;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter(Boolean);
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** An explicit setting that does not work is a configuration error, never silently replaced. */
async function fromEnv(env: NodeJS.ProcessEnv): Promise<KustomizeLocator | undefined> {
  const configured = env[KUSTOMIZE_ENV_VAR]?.trim();
  if (!configured) return undefined;
  const command = configured.includes('/') || configured.includes('\\') ? path.resolve(configured) : await findOnPath(configured, env);
  if (!command || !(await isExecutable(command))) {
    throw new Error(`${KUSTOMIZE_ENV_VAR}=${configured}: not an executable file (expected the path of kustomize or kubectl)`);
  }
  try {
    return await withVersion(locatorFor(command, 'env'));
  } catch (error) {
    throw new Error(`${KUSTOMIZE_ENV_VAR}=${configured} does not run: ${(error as Error).message}`);
  }
}

/** One extraction per cache folder and process; other processes are covered by the atomic rename. */
const shippedLocators = new Map<string, Promise<KustomizeLocator>>();

async function fromNpm(cacheDir: string | undefined): Promise<KustomizeLocator> {
  const pkg = findShippedKubectlPackage();
  if (!pkg) throw new Error(`${SHIPPED_KUBECTL_PACKAGE} is not installed`);
  if (!canRunShippedKubectl()) {
    throw new Error(`${SHIPPED_KUBECTL_PACKAGE} ships a linux/x64 kubectl, which cannot run on ${process.platform}/${process.arch}`);
  }
  const dir = cacheDir ?? (await defaultKubectlCacheDir(pkg));
  const key = `${dir}\0${pkg.version}`;
  let located = shippedLocators.get(key);
  if (!located) {
    located = extractShippedKubectl(pkg, dir).then(command => withVersion(locatorFor(command, 'npm')));
    shippedLocators.set(key, located);
    located.catch(() => shippedLocators.delete(key));
  }
  return located;
}

async function fromPath(env: NodeJS.ProcessEnv, onSkipped: LocateKustomizeOptions['onSkipped']): Promise<KustomizeLocator | undefined> {
  for (const name of ['kustomize', 'kubectl']) {
    const command = await findOnPath(name, env);
    if (!command) continue;
    try {
      return await withVersion(locatorFor(command, 'path'));
    } catch (error) {
      onSkipped?.('path', `${command} does not run: ${(error as Error).message}`);
    }
  }
  return undefined;
}

/**
 * Finds a kustomize to build overlays with: `SLIPWAY_KUSTOMIZE`, then the kubectl shipped on npm,
 * then `kustomize` and `kubectl` on PATH. Resolves to undefined when none works.
 * Throws only when `SLIPWAY_KUSTOMIZE` is set but unusable.
 */
export async function locateKustomize(options: LocateKustomizeOptions = {}): Promise<KustomizeLocator | undefined> {
  const env = options.env ?? process.env;
  for (const source of options.sources ?? ['env', 'npm', 'path']) {
    if (source === 'env') {
      const located = await fromEnv(env);
      if (located) return located;
    } else if (source === 'npm') {
      try {
        return await fromNpm(options.cacheDir);
      } catch (error) {
        options.onSkipped?.('npm', (error as Error).message);
      }
    } else {
      const located = await fromPath(env, options.onSkipped);
      if (located) return located;
    }
  }
  return undefined;
}

/** The npm-shipped kubectl, for tests that must not depend on whatever kubectl the machine has. */
export async function requireShippedKustomize(options: Pick<LocateKustomizeOptions, 'cacheDir'> = {}): Promise<KustomizeLocator> {
  try {
    return await fromNpm(options.cacheDir);
  } catch (error) {
    throw new Error(`the npm-shipped kubectl is not usable: ${(error as Error).message}`);
  }
}

/** Runs `kustomize build <dir>` (or `kubectl kustomize <dir>`); failures come back as data, not exceptions. */
export async function kustomizeBuild(
  locator: KustomizeLocator,
  dir: string,
  options: { timeoutMs?: number } = {},
): Promise<KustomizeBuildResult> {
  try {
    const { stdout } = await runFile(locator.command, [...locator.args, dir], options.timeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS);
    return { ok: true, yaml: stdout };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
