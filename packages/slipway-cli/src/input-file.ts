import { promises as fs } from 'fs';
import { CliError } from './errors';

/**
 * The largest values or template file the CLI reads. A values file is a few hundred bytes and a
 * template a few KB; the cap keeps a mistaken or hostile path (a log, /dev/zero, a FIFO that never
 * ends) from costing minutes of parsing and gigabytes of memory.
 */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

export function describeLimit(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function tooLarge(what: string, file: string, maxBytes: number, size?: number): CliError {
  const actual = size === undefined ? 'larger than' : `${size} bytes, over`;
  return new CliError(`${what} ${file} is ${actual} the limit of ${describeLimit(maxBytes)} (${maxBytes} bytes); a ${what} needs only a few KB`);
}

/**
 * Reads a text input file of at most `maxBytes`. The size is checked before reading when the file
 * reports one, and the read stops at `maxBytes + 1` bytes whatever it reports, so devices and
 * FIFOs (whose size reads as 0) cannot get past the cap. Throws `CliError` (exit 2).
 */
export async function readInputFile(file: string, what: string, maxBytes = MAX_INPUT_FILE_BYTES): Promise<string> {
  const cannotRead = (error: unknown) =>
    new CliError(`cannot read ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    throw cannotRead(error);
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new CliError(`cannot read ${what} ${file}: it is a folder`);
    if (stat.isFile() && stat.size > maxBytes) throw tooLarge(what, file, maxBytes, stat.size);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null).catch(error => {
        throw cannotRead(error);
      });
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw tooLarge(what, file, maxBytes);
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
