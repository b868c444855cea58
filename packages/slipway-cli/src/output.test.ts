import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { CliError, EXIT } from './errors';
import { ensureEmptyOutDir, writeOutputFiles } from './output';

async function rejection(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

const file = (filePath: string, content = 'x\n') => ({ path: filePath, content, executable: false });

describe('writeOutputFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-output-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('writes the whole repo, making missing parent folders, and keeps an empty folder given as --out', async () => {
    await writeOutputFiles(path.join(dir, 'a/b/repo'), [file('README.md'), file('deploy/base/kustomization.yaml')]);
    expect(await fs.readdir(path.join(dir, 'a/b/repo/deploy/base'))).toEqual(['kustomization.yaml']);
    await fs.mkdir(path.join(dir, 'empty'), { mode: 0o750 });
    await fs.chmod(path.join(dir, 'empty'), 0o750);
    await writeOutputFiles(path.join(dir, 'empty'), [file('README.md')]);
    expect(await fs.readdir(path.join(dir, 'empty'))).toEqual(['README.md']);
    expect((await fs.stat(path.join(dir, 'empty'))).mode & 0o777).toBe(0o750);
    expect(await fs.readdir(dir)).toEqual(['a', 'empty']);
  });

  describe('finding: a full disk leaves a partial repo in --out', () => {
    it('leaves nothing when a write fails half way: no --out, no temp folder, no parent it made', async () => {
      // A real failure from the file system: "a" is written as a file, then "a/b" needs it to be a folder.
      const files = [file('README.md'), file('a'), file('a/b')];
      const error = await rejection(writeOutputFiles(path.join(dir, 'new/repo'), files));
      expect(error.exitCode).toBe(EXIT.FAILURE);
      expect(error.message).toMatch(/^could not write .*new\/repo: E[A-Z]+, .*\. Nothing was left in .*new\/repo\.$/);
      expect(error.message).not.toMatch(/slipway-[0-9a-f]+\.tmp/);
      expect(await fs.readdir(dir)).toEqual([]);
    });

    it('leaves an empty --out folder empty', async () => {
      await fs.mkdir(path.join(dir, 'repo'));
      await rejection(writeOutputFiles(path.join(dir, 'repo'), [file('README.md'), file('a'), file('a/b')]));
      expect(await fs.readdir(dir)).toEqual(['repo']);
      expect(await fs.readdir(path.join(dir, 'repo'))).toEqual([]);
    });

    it('refuses, and removes its temp folder, when --out filled up while the repo was rendered', async () => {
      await fs.mkdir(path.join(dir, 'repo'));
      await fs.writeFile(path.join(dir, 'repo', 'late'), '');
      expect((await rejection(writeOutputFiles(path.join(dir, 'repo'), [file('README.md')]))).message).toMatch(/something was put there/);
      expect(await fs.readdir(dir)).toEqual(['repo']);
      expect(await fs.readdir(path.join(dir, 'repo'))).toEqual(['late']);
    });
  });
});

describe('finding: alias bombs, unresolved aliases and a dangling-symlink --out exit 3 with a stack trace', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-output-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('refuses a symbolic link as --out, dangling or not, as bad input', async () => {
    await fs.symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    const dangling = await rejection(ensureEmptyOutDir(path.join(dir, 'dangling')));
    expect(dangling.exitCode).toBe(EXIT.BAD_INPUT);
    expect(dangling.message).toBe(`--out ${path.join(dir, 'dangling')} is a symbolic link to nothing; give a new folder, or the real path of an empty one`);
    await fs.mkdir(path.join(dir, 'real'));
    await fs.symlink(path.join(dir, 'real'), path.join(dir, 'link'));
    expect((await rejection(ensureEmptyOutDir(path.join(dir, 'link')))).message).toMatch(/is a symbolic link; give a new folder/);
  });

  it('accepts a missing or empty folder and refuses a file, a path through a file and a non-empty folder', async () => {
    await expect(ensureEmptyOutDir(path.join(dir, 'new'))).resolves.toBeUndefined();
    await expect(ensureEmptyOutDir(dir)).resolves.toBeUndefined();
    await fs.writeFile(path.join(dir, 'file'), '');
    expect((await rejection(ensureEmptyOutDir(path.join(dir, 'file')))).message).toMatch(/is a file, not a folder/);
    expect((await rejection(ensureEmptyOutDir(path.join(dir, 'file', 'x')))).message).toMatch(/is inside a file/);
    expect((await rejection(ensureEmptyOutDir(dir))).message).toMatch(/not empty \(1 entry\)/);
  });
});
