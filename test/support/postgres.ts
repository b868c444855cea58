import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { freePort } from './ports';
import { runOk } from './processes';
import { postgresBinDir } from './testSystem';

/**
 * A throwaway PostgreSQL server on 127.0.0.1, for tests that need a real
 * database. Uses the Debian postgresql package (`npm test` installs it, see testSystem.ts).
 */
export interface TempPostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** initdb refuses to run as root, so as root the server runs as the postgres user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

export async function startTempPostgres(): Promise<TempPostgres> {
  const bin = postgresBinDir();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-pg-'));
  const dataDir = path.join(root, 'data');
  const port = await freePort();
  if (process.getuid?.() === 0) await runOk('chown', ['-R', 'postgres:postgres', root]);
  await fs.chmod(root, 0o755);
  await runOk(...asServerUser(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'app', '--auth=trust', '-E', 'UTF8', '--no-sync']));
  const serverOptions = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${root} -c fsync=off`;
  const pgCtl = path.join(bin, 'pg_ctl');
  await runOk(...asServerUser(pgCtl, ['-D', dataDir, '-o', serverOptions, '-l', path.join(root, 'log'), '-w', 'start']));
  let stopped = false;
  return {
    url: `postgres://app@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await runOk(...asServerUser(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop']));
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}
