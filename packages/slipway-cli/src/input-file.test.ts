import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { CliError, EXIT } from './errors';
import { MAX_INPUT_FILE_BYTES, readInputFile } from './input-file';

async function rejection(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('finding: values files have no size cap and a quadratic duplicate-key check', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-input-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads a file of exactly the cap and refuses one byte more, naming the file and the 1 MiB limit', async () => {
    const atCap = path.join(dir, 'at-cap.yaml');
    await fs.writeFile(atCap, Buffer.alloc(MAX_INPUT_FILE_BYTES, 'a'));
    expect((await readInputFile(atCap, 'values file')).length).toBe(MAX_INPUT_FILE_BYTES);

    const overCap = path.join(dir, 'over-cap.yaml');
    await fs.writeFile(overCap, Buffer.alloc(MAX_INPUT_FILE_BYTES + 1, 'a'));
    const error = await rejection(readInputFile(overCap, 'values file'));
    expect(error.exitCode).toBe(EXIT.BAD_INPUT);
    expect(error.message).toBe(
      `values file ${overCap} is 1048577 bytes, over the limit of 1 MiB (1048576 bytes); a values file needs only a few KB`,
    );
  });

  it('refuses a huge file from its size, without reading it', async () => {
    const sparse = path.join(dir, 'huge.yaml');
    await fs.writeFile(sparse, '');
    await fs.truncate(sparse, 8 * 1024 ** 3); // 8 GiB, sparse: more than Node could read into a string
    // The exact size in the message comes from the file's metadata: nothing had to be read.
    expect((await rejection(readInputFile(sparse, 'values file'))).message).toMatch(/is 8589934592 bytes, over the limit of 1 MiB/);
  });

  it('stops reading a device or FIFO at the cap, whatever size it reports', async () => {
    expect((await rejection(readInputFile('/dev/zero', 'values file'))).message).toBe(
      'values file /dev/zero is larger than the limit of 1 MiB (1048576 bytes); a values file needs only a few KB',
    );
    const fifo = path.join(dir, 'values.fifo');
    execFileSync('mkfifo', [fifo]);
    // A writer that never stops: the read must end at cap + 1 bytes, not at the end of the stream.
    const writer = fs.open(fifo, 'w').then(async handle => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      try {
        for (;;) await handle.write(chunk);
      } catch {
        // the reader closed the FIFO (EPIPE)
      } finally {
        await handle.close();
      }
    });
    expect((await rejection(readInputFile(fifo, 'values file'))).message).toMatch(/is larger than the limit of 1 MiB/);
    await writer;
  });

  it('names the file and the reason when it cannot be read', async () => {
    expect((await rejection(readInputFile(path.join(dir, 'missing.yaml'), 'values file'))).message).toMatch(/^cannot read values file .*missing\.yaml: ENOENT$/);
    expect((await rejection(readInputFile(dir, 'template'))).message).toBe(`cannot read template ${dir}: it is a folder`);
  });
});
