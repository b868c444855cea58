import { mkdirSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeSync, closeSync, fsyncSync } from 'fs';
import os from 'os';
import path from 'path';
import { LocalRepoStore } from '@slipway/git';

/** Where the embedded Backstage keeps its state: databases, published repos, task workspaces. */
export const DATA_DIR_ENV = 'SLIPWAY_DATA_DIR';

/** The lock file: which process owns the data directory. */
export const LOCK_FILE = 'backend.lock';

/**
 * Resolves the data directory (env `SLIPWAY_DATA_DIR`, default `<repo>/.data`) to an
 * absolute path, creates it, and exports it back to the environment, because
 * app-config.yaml refers to it as `${SLIPWAY_DATA_DIR}`.
 */
export function prepareDataDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = path.resolve(repoRoot, env[DATA_DIR_ENV] || '.data');
  for (const sub of ['db', 'repos', 'work']) mkdirSync(path.join(dataDir, sub), { recursive: true });
  env[DATA_DIR_ENV] = dataDir;
  return dataDir;
}

/** Another live process holds the data directory. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the data directory ${dataDir} is in use by another Slipway backend (process ${pid}). ` +
        `Stop that one, or start this one with another ${DATA_DIR_ENV}. ` +
        `If no such process runs, delete ${path.join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirInUseError';
  }
}

interface LockRecord {
  pid: number;
  hostname: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockRecord>;
    if (typeof record.pid === 'number' && typeof record.hostname === 'string') {
      return { pid: record.pid, hostname: record.hostname, startedAt: String(record.startedAt ?? '') };
    }
  } catch {
    // Missing or torn (the holder died while writing it): not a live lock.
  }
  return undefined;
}

/**
 * Makes this process the only backend using `dataDir`, so that everything found there
 * at startup (task workspaces, staging folders, interrupted publishes) is known to be
 * left over from a process that is gone, and can be removed or undone. A lock whose
 * process is no longer alive (kill -9, a crash, a reboot) is taken over. Returns the
 * release function; the lock is also released when the process exits normally.
 */
export function lockDataDir(dataDir: string, pid = process.pid): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(file);
      if (holder && holder.pid !== pid && holder.hostname === os.hostname() && isAlive(holder.pid)) {
        throw new DataDirInUseError(dataDir, holder.pid);
      }
      // Stale: its process is gone. Remove it and try once more (another starter may win that race).
      rmSync(file, { force: true });
      continue;
    }
    const record: LockRecord = { pid, hostname: os.hostname(), startedAt: new Date().toISOString() };
    writeSync(fd, `${JSON.stringify(record)}\n`);
    fsyncSync(fd);
    closeSync(fd);
    const release = () => {
      if (readLock(file)?.pid === pid) {
        try {
          unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    };
    process.once('exit', release);
    return release;
  }
  const holder = readLock(file);
  throw new DataDirInUseError(dataDir, holder?.pid ?? -1);
}

export interface Leftovers {
  /** Task workspaces (`work/<task id>`) of tasks that were running when the last process died. */
  workspaces: number;
  /** Staging folders (`repos/.staging/stage-*`) of publishes that were interrupted. */
  stagingFolders: number;
}

/**
 * Removes what a process that died mid-task leaves in the data directory. Only call it
 * while holding the lock (lockDataDir): then nothing running can be using these.
 * Interrupted publishes (the journal) are undone later by the Slipway scaffolder module,
 * because that needs the catalog.
 */
export async function removeLeftovers(dataDir: string): Promise<Leftovers> {
  const workDir = path.join(dataDir, 'work');
  const workspaces = readdirSync(workDir);
  for (const entry of workspaces) rmSync(path.join(workDir, entry), { recursive: true, force: true });
  const stagingFolders = await LocalRepoStore.forDataDir(dataDir).removeStaleStaging();
  return { workspaces: workspaces.length, stagingFolders };
}
