import { promises as fs } from 'fs';
import { FileToWrite, WriteConflictError, writeRenderedFiles } from '@slipway/node';
import { CliError } from './errors';

export type { FileToWrite as OutputFile } from '@slipway/node';

/** Refuses a --out that is a file or a non-empty folder, before anything is rendered or started. */
export async function ensureEmptyOutDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new CliError(`--out ${dir} is a file, not a folder`);
    throw new CliError(`cannot use --out ${dir}: ${code ?? (error as Error).message}`);
  }
  if (entries.length) {
    throw new CliError(`refusing to write into ${dir}: the folder is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}). Choose an empty or new folder.`);
  }
}

/** Writes files under `dir` through the engine's one write path; a conflict is bad input (exit 2). */
export async function writeOutputFiles(dir: string, files: FileToWrite[]): Promise<void> {
  try {
    await writeRenderedFiles(files, dir);
  } catch (error) {
    if (error instanceof WriteConflictError) throw new CliError(`${dir}: ${error.message}`);
    throw error;
  }
}
