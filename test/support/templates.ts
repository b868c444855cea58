import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { parse, stringify } from 'yaml';
import { LocalRepoStore } from '@slipway/git';
import { RunningBackend } from './backend';
import { REPO_ROOT } from './generatedRepo';
import { waitFor } from './ports';

/** Test-only config: lets tests register template variants through the catalog API. */
export const ALLOW_TEMPLATES_CONFIG = ['catalog:', '  rules:', '    - allow: [Component, System, API, Resource, Location, Group, User, Template]'].join('\n');

/**
 * Registers a variant of the real node-service template (same steps, one change) under
 * another name. The catalog API only takes url locations, so the variant is published as
 * a repo of the local remote and registered from its raw route, like any service.
 */
export async function registerTemplateVariant(
  backend: RunningBackend,
  name: string,
  change: (steps: Array<Record<string, any>>) => void,
): Promise<string> {
  const template = parse(await fs.readFile(path.join(REPO_ROOT, 'skeletons/node-service/template.yaml'), 'utf8'));
  template.metadata.name = name;
  change(template.spec.steps);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-template-'));
  await fs.writeFile(path.join(dir, 'template.yaml'), stringify(template));
  const store = LocalRepoStore.forDataDir(backend.dataDir);
  const staged = await store.stage(name, dir, { branch: 'main', author: { name: 'Test', email: 'test@slipway.invalid' }, message: 'template' });
  await store.publish(staged);
  const target = `${backend.baseUrl}/api/slipway/repos/${name}/raw/main/template.yaml`;
  await backend.request('POST', '/api/catalog/locations', { type: 'url', target });
  await waitFor(`template ${name} in the catalog`, async () =>
    (await backend.request('GET', `/api/catalog/entities/by-name/template/default/${name}`, undefined, [404])).status === 200,
  );
  return `template:default/${name}`;
}

