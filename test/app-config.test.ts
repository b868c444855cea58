/**
 * app-config.yaml and app-config.production.yaml are documentation that runs: both are
 * validated against the config schemas of every installed plugin, and the backend is
 * started with the production example on a real, throwaway PostgreSQL.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { Client } from 'pg';
import { parse as parseYaml } from 'yaml';
import { ConfigReader } from '@backstage/config';
import { ConfigSources, loadConfigSchema } from '@backstage/config-loader';
import type { AppConfig } from '@backstage/config';
import { startBackend } from './support/backend';
import { REPO_ROOT } from './support/generatedRepo';
import { startTempPostgres, TempPostgres } from './support/postgres';

/** What the production example expects from the environment; fake values, nothing leaves this machine. */
const productionEnv = (postgres: { port: number }) => ({
  BACKSTAGE_BASE_URL: 'http://localhost:7007',
  POSTGRES_HOST: '127.0.0.1',
  POSTGRES_PORT: String(postgres.port),
  POSTGRES_USER: 'app',
  POSTGRES_PASSWORD: 'not-a-real-password',
  GITHUB_TOKEN: 'ghp_not_a_real_token',
  GITHUB_ORG: 'acme',
  AUTH_GITHUB_CLIENT_ID: 'not-a-real-client-id',
  AUTH_GITHUB_CLIENT_SECRET: 'not-a-real-client-secret',
  K8S_PRODUCTION_URL: 'https://127.0.0.1:6443',
  K8S_PRODUCTION_TOKEN: 'not-a-real-token',
  K8S_PRODUCTION_CA_DATA: 'bm90LWEtY2E=',
});

/** The files as the backend reads them, `${VAR}` taken from `env`. */
async function loadMerged(files: string[], env: Record<string, string>): Promise<AppConfig[]> {
  const source = ConfigSources.defaultForTargets({
    rootDir: REPO_ROOT,
    targets: files.map(file => ({ type: 'path' as const, target: path.join(REPO_ROOT, file) })),
    substitutionFunc: async (name: string) => env[name],
  });
  const abort = new AbortController();
  for await (const { configs } of source.readConfigData({ signal: abort.signal })) {
    abort.abort();
    return configs;
  }
  throw new Error(`no config read from ${files.join(', ')}`);
}

describe('app-config', () => {
  let postgres: TempPostgres | undefined;
  afterAll(async () => postgres?.stop());

  it.each<[string[], Record<string, string>]>([
    [['app-config.yaml'], { SLIPWAY_DATA_DIR: '/var/lib/slipway' }],
    [['app-config.yaml', 'app-config.production.yaml'], { SLIPWAY_DATA_DIR: '/var/lib/slipway', ...productionEnv({ port: 5432 }) }],
  ])('%j is valid against the installed plugins\' config schemas', async (files, env) => {
    const appConfigs = await loadMerged(files, env);
    const schema = await loadConfigSchema({ dependencies: ['@slipway/backend'] });
    // process() throws on any value the schemas reject.
    const processed = schema.process(appConfigs, { visibility: ['backend', 'frontend', 'secret'] });
    const config = ConfigReader.fromConfigs(processed);
    if (files.length === 2) {
      expect(config.getString('backend.database.client')).toBe('pg');
      expect(config.getConfigArray('integrations.github')[0].getString('token')).toBe(env.GITHUB_TOKEN);
      expect(config.getBoolean('backend.auth.dangerouslyDisableDefaultAuthPolicy')).toBe(false);
      const [clusters] = config.getConfigArray('kubernetes.clusterLocatorMethods');
      expect(clusters.getConfigArray('clusters')[0].getString('authProvider')).toBe('serviceAccount');
    } else {
      expect(config.getString('backend.database.client')).toBe('better-sqlite3');
      expect(config.getString('slipway.dataDir')).toBe('/var/lib/slipway');
    }
  });

  it('registers in production every Template the development config finds', async () => {
    type Location = { type: string; target: string; rules?: Array<{ allow: string[] }> };
    const locationsOf = async (file: string): Promise<Location[]> =>
      (parseYaml(await fs.readFile(path.join(REPO_ROOT, file), 'utf8')) as { catalog: { locations: Location[] } }).catalog.locations
        .filter(location => location.rules?.some(rule => rule.allow.includes('Template')));
    // app-config.yaml's file targets are globs of one `*` folder (./skeletons/*/template.yaml): expanded here as the file reader does.
    const found: string[] = [];
    for (const { target } of (await locationsOf('app-config.yaml')).filter(location => location.type === 'file')) {
      const [before, after] = target.replace(/^\.\//, '').split('/*/');
      for (const folder of await fs.readdir(path.join(REPO_ROOT, before))) {
        const candidate = path.posix.join(before, folder, after);
        if (await fs.stat(path.join(REPO_ROOT, candidate)).then(() => true, () => false)) found.push(candidate);
      }
    }
    const production = (await locationsOf('app-config.production.yaml')).map(location => {
      expect(location.type).toBe('url');
      return location.target.replace(/^https:\/\/github\.com\/\$\{GITHUB_ORG\}\/slipway\/blob\/main\//, '');
    });
    expect(found).toEqual(expect.arrayContaining(['skeletons/node-service/template.yaml', 'templates/system/template.yaml']));
    expect([...production].sort()).toEqual([...found].sort());
  });

  it('starts the backend with the production example on a real PostgreSQL', async () => {
    postgres = await startTempPostgres();
    const env = productionEnv(postgres);
    const backend = await startBackend({
      configFiles: [path.join(REPO_ROOT, 'app-config.production.yaml')],
      env,
      readyWhen: 'health',
    });
    try {
      // The default auth policy is back on: an anonymous request is refused.
      const anonymous = await backend.request('GET', '/api/catalog/entities', undefined, [401]);
      expect(anonymous.status).toBe(401);
      // Each plugin made its own database in PostgreSQL.
      const client = new Client({ connectionString: postgres.url });
      await client.connect();
      const databases = (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map(row => row.datname);
      await client.end();
      expect(databases).toEqual(expect.arrayContaining(['backstage_plugin_catalog', 'backstage_plugin_scaffolder']));
    } finally {
      await backend.stop();
      await fs.rm(backend.dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
