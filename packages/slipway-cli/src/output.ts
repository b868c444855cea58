import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import path from 'path';
import { FileToWrite, writeRenderedFiles } from '@slipway/render';
import { CliError, EXIT } from './errors';

export type { FileToWrite as OutputFile } from '@slipway/render';

/** Refuses a --out that is a symbolic link, a file or a non-empty folder, before anything is rendered or started. */
export async function ensureEmptyOutDir(dir: string): Promise<void> {
  let stat;
  try {
    stat = await fs.lstat(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new CliError(`--out ${dir} is inside a file, not a folder`);
    throw new CliError(`cannot use --out ${dir}: ${code ?? (error as Error).message}`);
  }
  if (stat.isSymbolicLink()) {
    const target = await fs.stat(dir).catch(() => undefined);
    throw new CliError(`--out ${dir} is a symbolic link${target ? '' : ' to nothing'}; give a new folder, or the real path of an empty one`);
  }
  if (!stat.isDirectory()) throw new CliError(`--out ${dir} is a file, not a folder`);
  const entries = await fs.readdir(dir).catch(error => {
    throw new CliError(`cannot use --out ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  });
  if (entries.length) {
    throw new CliError(`refusing to write into ${dir}: the folder is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}). Choose an empty or new folder.`);
  }
}

const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'a file is larger than the size limit allows',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EIO: 'an input/output error',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'a path is too long',
};

/** A one-line reason without the temp folder's path, which the user never gave. */
function writeFailure(out: string, temp: string, error: unknown): string {
  const failure = error as NodeJS.ErrnoException;
  const message = (failure.message ?? String(error)).split(temp).join(out).split('\n')[0];
  if (!failure.syscall) return `could not write ${out}: ${message}. Nothing was left in ${out}.`;
  const code = failure.code ?? 'error';
  // Node's own text is "CODE: description, syscall 'path'"; the path is the temp folder's.
  const description = WRITE_ERRORS[code] ?? message.replace(/^[A-Z0-9_]+: /, '').split(`, ${failure.syscall}`)[0];
  const relative = failure.path ? path.relative(temp, failure.path) : '';
  const file = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? ` (writing ${relative.split(path.sep).join('/')})` : '';
  return `could not write ${out}: ${code}, ${description}${file}. Nothing was left in ${out}.`;
}

/** Creates `dir`'s missing parent folders; returns the topmost one it created, to remove on failure. */
async function makeParents(dir: string): Promise<string | undefined> {
  try {
    return await fs.mkdir(path.dirname(dir), { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create the folder for --out ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, EXIT.FAILURE);
  }
}

/**
 * Writes a whole repo to `out` or nothing: the files go into a hidden temporary sibling folder,
 * which is renamed to `out` once every file is written (rename is atomic, and replaces `out` when
 * it is an empty folder). On any failure the sibling, and any parent folders made for it, are removed.
 */
export async function writeOutputFiles(out: string, files: FileToWrite[]): Promise<void> {
  const target = path.resolve(out);
  const createdParent = await makeParents(target);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.slipway-${randomBytes(6).toString('hex')}.tmp`);
  const cleanUp = async () => {
    await fs.rm(temp, { recursive: true, force: true }).catch(() => undefined);
    if (createdParent) await fs.rm(createdParent, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    await fs.mkdir(temp, { mode: 0o777 }); // the umask applies, as for any new folder
    const existing = await fs.stat(target).catch(() => undefined);
    if (existing?.isDirectory()) await fs.chmod(temp, existing.mode & 0o7777);
    await writeRenderedFiles(files, temp);
  } catch (error) {
    await cleanUp();
    throw new CliError(writeFailure(out, temp, error), EXIT.FAILURE);
  }
  try {
    await fs.rename(temp, target);
  } catch (error) {
    await cleanUp();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      throw new CliError(`refusing to write into ${out}: something was put there while the repo was rendered. Nothing was written.`);
    }
    throw new CliError(`could not move the finished repo into ${out}: ${code ?? (error as Error).message}. Nothing was written.`, EXIT.FAILURE);
  }
}
