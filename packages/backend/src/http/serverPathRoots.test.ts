import { ConfigReader } from '@backstage/config';
import os from 'os';
import path from 'path';
import { serverPathRoots } from './serverPathRoots';

describe('serverPathRoots', () => {
  it('names the data dir, working dir, repo root, node_modules, home and temp dir', () => {
    const roots = serverPathRoots(new ConfigReader({ slipway: { dataDir: '/srv/data' }, backend: { workingDirectory: '/srv/data/work' } }), process.cwd());
    expect(roots).toEqual(
      expect.arrayContaining([
        { placeholder: '<data>', path: '/srv/data' },
        { placeholder: '<work>', path: '/srv/data/work' },
        { placeholder: '<modules>', path: path.join(process.cwd(), 'node_modules') },
        { placeholder: '<repo>', path: process.cwd() },
        { placeholder: '<home>', path: os.homedir() },
        { placeholder: '<tmp>', path: os.tmpdir() },
      ]),
    );
  });
});
