import { spawn } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { LocalRepoStore } from '@slipway/git';
import { DataDirInUseError, LOCK_FILE, lockDataDir, prepareDataDir, removeLeftovers } from './dataDir';

describe('the data directory', () => {
  let dataDir: string;

  beforeEach(async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-datadir-'));
    dataDir = prepareDataDir(root, { SLIPWAY_DATA_DIR: path.join(root, 'data') });
  });
  afterEach(() => fs.rm(path.dirname(dataDir), { recursive: true, force: true }));

  const writeLock = (pid: number) =>
    fs.writeFile(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid, hostname: os.hostname(), startedAt: 'then' }));

  it('is locked by one backend at a time', async () => {
    // A live process that is not this one holds it.
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await writeLock(holder.pid!);
      expect(() => lockDataDir(dataDir)).toThrow(DataDirInUseError);
      expect(() => lockDataDir(dataDir)).toThrow(`in use by another Slipway backend (process ${holder.pid})`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that is gone (kill -9, crash, reboot), and releases its own', async () => {
    const gone = spawn('true', [], { stdio: 'ignore' });
    await new Promise(resolve => gone.on('exit', resolve));
    await writeLock(gone.pid!);
    const release = lockDataDir(dataDir);
    expect(JSON.parse(await fs.readFile(path.join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
    await expect(fs.access(path.join(dataDir, LOCK_FILE))).rejects.toThrow();
  });

  // Issue 7: "After a crash, tasks stay processing and leftovers pile up: … staging folders and workspaces stayed on disk."
  it('finding: leftovers of a crash pile up — workspaces and staging folders are removed, repos and the git home kept', async () => {
    const store = LocalRepoStore.forDataDir(dataDir);
    const source = path.join(dataDir, 'work', 'task-1');
    await fs.mkdir(source, { recursive: true });
    await fs.writeFile(path.join(source, 'catalog-info.yaml'), 'kind: Component\n');
    await fs.mkdir(path.join(dataDir, 'work', 'task-2', 'deploy'), { recursive: true });
    const author = { name: 'Slipway', email: 'slipway@localhost' };
    await store.publish(await store.stage('kept', source, { branch: 'main', author, message: 'kept' }));
    await store.stage('interrupted', source, { branch: 'main', author, message: 'never published' });

    expect(await removeLeftovers(dataDir)).toEqual({ workspaces: 2, stagingFolders: 1 });
    expect(await fs.readdir(path.join(dataDir, 'work'))).toEqual([]);
    expect(await fs.readdir(path.join(store.reposDir, '.staging'))).toEqual(['.home']);
    expect(await store.list()).toEqual(['kept']);
  });
});
