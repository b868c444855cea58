import { mkdirSync } from 'fs';
import path from 'path';

/** Where the embedded Backstage keeps its state: databases, published repos, task workspaces. */
export const DATA_DIR_ENV = 'SLIPWAY_DATA_DIR';

/**
 * Resolves the data directory (env `SLIPWAY_DATA_DIR`, default `<repo>/.data`) to an
 * absolute path, creates it, and exports it back to the environment, because
 * app-config.yaml refers to it as `${SLIPWAY_DATA_DIR}`.
 */
export function prepareDataDir(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = path.resolve(repoRoot, env[DATA_DIR_ENV] || '.data');
  for (const sub of ['db', 'repos', 'work']) mkdirSync(path.join(dataDir, sub), { recursive: true });
  env[DATA_DIR_ENV] = dataDir;
  return dataDir;
}
