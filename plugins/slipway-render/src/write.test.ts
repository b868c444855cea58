import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { WriteConflictError, writeRenderedFiles } from './write';

describe('writeRenderedFiles', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-write-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('writes nested files with their modes', async () => {
    await writeRenderedFiles(
      [
        { path: 'a/b/c.txt', content: 'c', executable: false },
        { path: 'run.sh', content: '#!/bin/sh\n', executable: true },
      ],
      path.join(root, 'out'),
    );
    expect(await fs.readFile(path.join(root, 'out/a/b/c.txt'), 'utf8')).toBe('c');
    expect((await fs.stat(path.join(root, 'out/run.sh'))).mode & 0o111).not.toBe(0);
  });

  it('refuses to overwrite and writes nothing at all when any target exists', async () => {
    await fs.writeFile(path.join(root, 'taken.txt'), 'mine');
    const attempt = writeRenderedFiles(
      [
        { path: 'new/one.txt', content: '1', executable: false },
        { path: 'taken.txt', content: 'theirs', executable: false },
      ],
      root,
    );
    await expect(attempt).rejects.toThrow(WriteConflictError);
    await expect(attempt).rejects.toThrow(/taken\.txt/);
    expect(await fs.readFile(path.join(root, 'taken.txt'), 'utf8')).toBe('mine');
    await expect(fs.stat(path.join(root, 'new'))).rejects.toThrow();
  });

  it('refuses a symbolic link or a file where a folder is needed', async () => {
    await fs.writeFile(path.join(root, 'deploy'), 'a file');
    await fs.symlink(os.tmpdir(), path.join(root, 'src'));
    const attempt = writeRenderedFiles(
      [
        { path: 'deploy/base/x.yaml', content: 'x', executable: false },
        { path: 'src/index.ts', content: 'x', executable: false },
        { path: 'README.md', content: 'x', executable: false },
      ],
      root,
    );
    await expect(attempt).rejects.toMatchObject({ conflicts: ['deploy exists and is not a folder', 'src is a symbolic link'] });
    await expect(fs.stat(path.join(root, 'README.md'))).rejects.toThrow();
  });

  it('rejects paths that leave the target folder', async () => {
    await expect(writeRenderedFiles([{ path: '../escape.txt', content: 'x', executable: false }], root)).rejects.toThrow(/outside/);
  });
});
