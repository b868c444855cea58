/**
 * The live form checks use the spec's own rules and messages, and every
 * `ui:field: SlipwaySpecField` in the Slipway template points at the spec field its
 * value really feeds (the binding in the generate step), so the check cannot drift.
 */
import { promises as fs } from 'fs';
import path from 'path';
import YAML from 'yaml';
import { safeResolveServiceSpec } from '@slipway/common';
import { builtInGoldenPaths } from '@slipway/skeletons';
import { specFieldErrors, specFieldRule } from './specRules';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sync = require('../../../../scripts/sync-template-form.js') as {
  parameterBindings(template: unknown): { bindings: Record<string, string>; goldenPath: string | undefined; problems: string[] };
};

const DNS_LABEL = "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";

describe('specFieldErrors', () => {
  it('gives the spec message for a bad service name, and nothing for a good one', () => {
    expect(specFieldErrors('node-service', 'name', 'Foo_Bar')).toEqual([DNS_LABEL]);
    expect(specFieldErrors('node-service', 'name', 'payments-api')).toEqual([]);
    expect(specFieldErrors('node-service', 'name', 'a'.repeat(47))).toEqual([
      'must be at most 46 characters so every derived name (e.g. <name>-db-replication) stays within 63',
    ]);
  });

  it('says "is required" for an empty required field and accepts an empty optional one', () => {
    expect(specFieldErrors('node-service', 'name', undefined)).toEqual(['is required']);
    // An environment's name is required inside its list item.
    expect(specFieldErrors('node-service', 'environments[0].name', undefined)).toEqual(['is required']);
    expect(specFieldErrors('node-service', 'name', '')).toEqual(['is required']);
    expect(specFieldErrors('node-service', 'description', undefined)).toEqual(['is required']);
    expect(specFieldErrors('node-service', 'environments[0].host', undefined)).toEqual([]);
    expect(specFieldErrors('node-service', 'port', undefined)).toEqual([]);
  });

  it('checks nested and numeric fields', () => {
    expect(specFieldErrors('node-service', 'environments[0].host', 'https://Staging')).toEqual([
      'must be a fully qualified DNS host name such as api.example.com (lowercase, no scheme, no port, no wildcard)',
    ]);
    expect(specFieldErrors('node-service', 'environments[1].host', 'orders.example.com')).toEqual([]);
    expect(specFieldErrors('node-service', 'port', 70000)).toEqual(['must be between 1 and 65535']);
    expect(specFieldErrors('node-service', 'port', 80.5)).toEqual(['must be a whole number']);
    expect(specFieldErrors('node-service', 'port', 8080)).toEqual([]);
  });

  it('agrees with safeResolveServiceSpec on the same value', () => {
    const result = safeResolveServiceSpec({ name: 'Foo_Bar', owner: 'group:default/team-a', description: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: 'name', message: specFieldErrors('node-service', 'name', 'Foo_Bar')[0] }]);
  });

  it('knows no rule for a path the spec does not have', () => {
    expect(specFieldRule('node-service', 'nmae')).toBeUndefined();
    expect(specFieldRule('node-service', 'environments[0].hots')).toBeUndefined();
    // The environments are a list now: the old object paths name nothing.
    expect(specFieldRule('node-service', 'environments.staging.host')).toBeUndefined();
    expect(specFieldErrors('node-service', 'nmae', 'anything')).toEqual([]);
  });

  it('has no rules for a golden path the browser does not know (an adopter\'s, checked by the action)', () => {
    expect(specFieldRule('acme-service', 'name')).toBeUndefined();
    expect(specFieldErrors('acme-service', 'name', 'Foo_Bar')).toEqual([]);
  });
});

describe.each(builtInGoldenPaths().map(goldenPath => [goldenPath.id, goldenPath.dir] as const))('SlipwaySpecField in skeletons/%s/template.yaml', (id, dir) => {
  it('checks every field with its golden path\'s spec, at the spec field its value feeds', async () => {
    const template = YAML.parse(await fs.readFile(path.join(dir, 'template.yaml'), 'utf8'));
    const { bindings, goldenPath } = sync.parameterBindings(template);
    expect(goldenPath).toBe(id);
    const used: Record<string, { goldenPath?: string; specPath?: string }> = {};
    for (const page of template.spec.parameters) {
      for (const [field, schema] of Object.entries<any>(page.properties ?? {})) {
        if (schema['ui:field'] !== 'SlipwaySpecField') continue;
        used[field] = schema['ui:options'] ?? {};
      }
    }
    expect(Object.keys(used).length).toBeGreaterThan(0);
    for (const [field, options] of Object.entries(used)) {
      expect([field, options.goldenPath, options.specPath]).toEqual([field, id, bindings[field]]);
      expect(specFieldRule(id, options.specPath!)).toBeDefined();
    }
  });
});
