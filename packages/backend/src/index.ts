/**
 * The embedded Slipway Backstage: the frontend app, catalog, scaffolder, kubernetes and
 * Slipway on one port. `npm start` at the repo root runs this with ./app-config.yaml.
 */
import path from 'path';
import { createBackend } from '@backstage/backend-defaults';
import { DataDirInUseError, lockDataDir, prepareDataDir, removeLeftovers } from './dataDir';
import { dropEmptyCredentialVariables } from './environment';
import { slipwayRootHttpRouter } from './http/slipwayRootHttpRouter';

// dist/index.js sits two folders below packages/, three below the repo root.
const repoRoot = path.resolve(__dirname, '../../..');
const dataDir = prepareDataDir(repoRoot);
// `export GITHUB_TOKEN=` means no token, not a config error that stops every plugin.
dropEmptyCredentialVariables();
// One backend per data directory; so whatever a task left there is from a process that is gone.
try {
  lockDataDir(dataDir);
} catch (error) {
  if (!(error instanceof DataDirInUseError)) throw error;
  process.stderr.write(`slipway: ${error.message}\n`);
  process.exit(1);
}
// Config paths (templates, catalog files) are relative to the repo root.
process.chdir(repoRoot);

const backend = createBackend();
// Host/Origin guards, bounded scaffolder bodies and redacted task events in front of every route (src/http).
backend.add(slipwayRootHttpRouter({ repoRoot }));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage/plugin-scaffolder-backend'));
// publish:github and friends: the template offers GitHub when integrations.github has credentials.
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(import('@slipway/plugin-scaffolder-backend-module-slipway'));
backend.add(import('@slipway/plugin-slipway-backend'));
backend.add(import('@backstage/plugin-kubernetes-backend'));
// Serves the built frontend (packages/app, `@slipway/app`, see app.packageName) at / on
// this same port; every path that is no API route gets the app's index.html.
backend.add(import('@backstage/plugin-app-backend'));
// Workspaces and staging folders of tasks a crash interrupted are removed before anything runs;
// interrupted publishes are undone by the Slipway scaffolder module once the catalog is up.
removeLeftovers(dataDir)
  .then(removed => {
    if (removed.workspaces || removed.stagingFolders) {
      process.stderr.write(
        `slipway: removed ${removed.workspaces} task workspace(s) and ${removed.stagingFolders} staging folder(s) left by an earlier process\n`,
      );
    }
    return backend.start();
  })
  .catch(error => {
    process.stderr.write(`slipway: the backend did not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
