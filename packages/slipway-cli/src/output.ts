import { promises as fs } from 'fs';
import path from 'path';
import { CliError } from './errors';

/** A file to write: repo-relative path with '/' separators. */
export interface OutputFile {
  path: string;
  content: string | Buffer;
  executable: boolean;
}

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

/** Writes files under `dir`, keeping executable bits. Paths that would leave `dir` are refused. */
export async function writeOutputFiles(dir: string, files: OutputFile[]): Promise<void> {
  const root = path.resolve(dir);
  for (const file of files) {
    const target = path.resolve(root, ...file.path.split('/'));
    if (target !== root && !target.startsWith(`${root}${path.sep}`)) {
      throw new CliError(`refusing to write ${file.path}: it is outside ${dir}`, 3);
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, file.content, { flag: 'wx', mode: file.executable ? 0o755 : 0o644 });
    if (file.executable) await fs.chmod(target, 0o755);
  }
}
