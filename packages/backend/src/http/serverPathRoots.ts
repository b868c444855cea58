import type { RootConfigService } from '@backstage/backend-plugin-api';
import os from 'os';
import path from 'path';
import type { ServerPathRoot } from './serverDetailRedactor';

/**
 * This server's folders whose absolute paths clients must not see: the data dir
 * (`slipway.dataDir`), the task working directory, the repo root (the backend's working
 * directory; index.ts changes into it) with its node_modules, the home and the temp dir.
 */
export function serverPathRoots(config: RootConfigService, repoRoot: string): ServerPathRoot[] {
  const roots: ServerPathRoot[] = [];
  const dataDir = config.getOptionalString('slipway.dataDir') ?? process.env.SLIPWAY_DATA_DIR;
  if (dataDir) roots.push({ placeholder: '<data>', path: path.resolve(dataDir) });
  const workingDirectory = config.getOptionalString('backend.workingDirectory');
  if (workingDirectory) roots.push({ placeholder: '<work>', path: path.resolve(workingDirectory) });
  roots.push({ placeholder: '<modules>', path: path.join(repoRoot, 'node_modules') });
  roots.push({ placeholder: '<repo>', path: repoRoot });
  if (path.resolve(process.cwd()) !== path.resolve(repoRoot)) roots.push({ placeholder: '<cwd>', path: process.cwd() });
  roots.push({ placeholder: '<home>', path: os.homedir() });
  roots.push({ placeholder: '<tmp>', path: os.tmpdir() });
  return roots;
}
