/**
 * The embedded Slipway Backstage: the frontend app, catalog, scaffolder, kubernetes and
 * Slipway on one port. `npm start` at the repo root runs this with ./app-config.yaml.
 */
import path from 'path';
import { createBackend } from '@backstage/backend-defaults';
import { prepareDataDir } from './dataDir';

// dist/index.js sits two folders below packages/, three below the repo root.
const repoRoot = path.resolve(__dirname, '../../..');
prepareDataDir(repoRoot);
// Config paths (templates, catalog files) are relative to the repo root.
process.chdir(repoRoot);

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@slipway/plugin-scaffolder-backend-module-slipway'));
backend.add(import('@slipway/plugin-slipway-backend'));
backend.add(import('@backstage/plugin-kubernetes-backend'));
// Serves the built frontend (packages/app, `@slipway/app`, see app.packageName) at / on
// this same port; every path that is no API route gets the app's index.html.
backend.add(import('@backstage/plugin-app-backend'));
backend.start();
