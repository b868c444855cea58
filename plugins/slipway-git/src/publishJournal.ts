import { promises as fs } from 'fs';
import path from 'path';
import { assertRepoName, isRepoName } from './names';

/**
 * What a publish intends, written before anything is staged. If the process dies
 * mid-publish (kill -9, power loss), the record is still there on the next start, and
 * `reconcile` (in the scaffolder module) undoes whatever part of the publish happened.
 */
export interface PublishIntent {
  name: string;
  /** The scaffolder task that publishes (for the operator's log). */
  taskId?: string;
  /** The catalog location target the publish registers, e.g. `<base>/api/slipway/repos/x/raw/main/catalog-info.yaml`. */
  locationTarget?: string;
  /**
   * The publishes one task makes together (a system's repos): their records stay after each
   * publish succeeds, until the task finishes the group, so a crash or a failure before that
   * undoes every repo of the group, not only the one in progress.
   */
  group?: string;
  startedAt: string;
}

/** Another publish of the same name is under way (in this process or another one). */
export class PublishInProgressError extends Error {
  constructor(readonly repoName: string) {
    super(`a repository named ${repoName} is being published by another task right now; wait for it, or choose another name`);
    this.name = 'PublishInProgressError';
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * One file per publish in progress: `<repos>/.journal/<name>.json`. Creating it with
 * `wx` (O_CREAT|O_EXCL) also makes it the per-name lock, so two tasks can never publish
 * the same name at once, even from two processes. The data is fsynced before the publish
 * goes on, so the record survives a crash at any later moment.
 */
export class PublishJournal {
  readonly dir: string;

  constructor(reposDir: string) {
    // The leading dot keeps it out of LocalRepoStore.list() and the git routes (names end in .git).
    this.dir = path.join(path.resolve(reposDir), '.journal');
  }

  private fileOf(name: string): string {
    assertRepoName(name);
    return path.join(this.dir, `${name}.json`);
  }

  /** Records the intent durably; throws PublishInProgressError when a record for the name exists. */
  async begin(intent: PublishIntent): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.fileOf(intent.name), 'wx', 0o600);
    } catch (error) {
      if (codeOf(error) === 'EEXIST') throw new PublishInProgressError(intent.name);
      throw error;
    }
    try {
      await handle.writeFile(`${JSON.stringify(intent)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.syncDir();
  }

  /** Drops the record: the publish finished, or was fully undone. */
  async end(name: string): Promise<void> {
    await fs.rm(this.fileOf(name), { force: true });
    await this.syncDir();
  }

  /**
   * Every record left behind. A record that cannot be parsed (the crash came between
   * creating and writing it) still names the repo by its file name.
   */
  async pending(): Promise<PublishIntent[]> {
    const entries = await fs.readdir(this.dir).catch(error => {
      if (codeOf(error) === 'ENOENT') return [] as string[];
      throw error;
    });
    const intents: PublishIntent[] = [];
    for (const entry of entries.sort()) {
      const name = entry.endsWith('.json') ? entry.slice(0, -'.json'.length) : '';
      if (!isRepoName(name)) continue;
      const text = await fs.readFile(path.join(this.dir, entry), 'utf8').catch(() => '');
      let parsed: Partial<PublishIntent> = {};
      try {
        parsed = JSON.parse(text) as Partial<PublishIntent>;
      } catch {
        // Torn record: the name is enough to undo the publish.
      }
      intents.push({
        name,
        taskId: typeof parsed.taskId === 'string' ? parsed.taskId : undefined,
        locationTarget: typeof parsed.locationTarget === 'string' ? parsed.locationTarget : undefined,
        group: typeof parsed.group === 'string' ? parsed.group : undefined,
        startedAt: typeof parsed.startedAt === 'string' ? parsed.startedAt : '',
      });
    }
    return intents;
  }

  /** The records of one task's group (see PublishIntent.group), in name order. */
  async groupOf(group: string, taskId: string | undefined): Promise<PublishIntent[]> {
    return (await this.pending()).filter(intent => intent.group === group && intent.taskId === taskId);
  }

  /** Makes the file's creation or removal itself durable (the directory entry). */
  private async syncDir(): Promise<void> {
    const handle = await fs.open(this.dir, 'r').catch(() => undefined);
    if (!handle) return;
    try {
      await handle.sync();
    } catch {
      // Some filesystems refuse fsync on a directory; the record's own fsync still holds.
    } finally {
      await handle.close();
    }
  }
}
