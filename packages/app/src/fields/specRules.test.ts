/**
 * The live form checks use the spec's own rules and messages, and every
 * `ui:field: SlipwaySpecField` in the Slipway template points at the spec field its
 * value really feeds (the binding in the generate step), so the check cannot drift.
 */
import { promises as fs } from 'fs';
import path from 'path';
import YAML from 'yaml';
import { safeResolveServiceSpec } from '@slipway/common';
import { specFieldErrors, specFieldRule } from './specRules';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sync = require('../../../../scripts/sync-template-form.js') as {
  parameterBindings(template: unknown): { bindings: Record<string, string>; problems: string[] };
};

const TEMPLATE = path.join(__dirname, '../../../../skeletons/node-service/template.yaml');
const DNS_LABEL = "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";

describe('specFieldErrors', () => {
  it('gives the spec message for a bad service name, and nothing for a good one', () => {
    expect(specFieldErrors('name', 'Foo_Bar')).toEqual([DNS_LABEL]);
    expect(specFieldErrors('name', 'payments-api')).toEqual([]);
    expect(specFieldErrors('name', 'a'.repeat(47))).toEqual([
      'must be at most 46 characters so every derived name (e.g. <name>-db-replication) stays within 63',
    ]);
  });

  it('says "is required" for an empty required field and accepts an empty optional one', () => {
    expect(specFieldErrors('name', undefined)).toEqual(['is required']);
    // An environment's name is required inside its list item.
    expect(specFieldErrors('environments[0].name', undefined)).toEqual(['is required']);
    expect(specFieldErrors('name', '')).toEqual(['is required']);
    expect(specFieldErrors('description', undefined)).toEqual(['is required']);
    expect(specFieldErrors('environments[0].host', undefined)).toEqual([]);
    expect(specFieldErrors('port', undefined)).toEqual([]);
  });

  it('checks nested and numeric fields', () => {
    expect(specFieldErrors('environments[0].host', 'https://Staging')).toEqual([
      'must be a fully qualified DNS host name such as api.example.com (lowercase, no scheme, no port, no wildcard)',
    ]);
    expect(specFieldErrors('environments[1].host', 'orders.example.com')).toEqual([]);
    expect(specFieldErrors('port', 70000)).toEqual(['must be between 1 and 65535']);
    expect(specFieldErrors('port', 80.5)).toEqual(['must be a whole number']);
    expect(specFieldErrors('port', 8080)).toEqual([]);
  });

  it('agrees with safeResolveServiceSpec on the same value', () => {
    const result = safeResolveServiceSpec({ name: 'Foo_Bar', owner: 'group:default/team-a', description: 'x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([{ path: 'name', message: specFieldErrors('name', 'Foo_Bar')[0] }]);
  });

  it('knows no rule for a path the spec does not have', () => {
    expect(specFieldRule('nmae')).toBeUndefined();
    expect(specFieldRule('environments[0].hots')).toBeUndefined();
    // The environments are a list now: the old object paths name nothing.
    expect(specFieldRule('environments.staging.host')).toBeUndefined();
    expect(specFieldErrors('nmae', 'anything')).toEqual([]);
  });
});

describe('SlipwaySpecField in skeletons/node-service/template.yaml', () => {
  it('points every field at the spec field its value feeds', async () => {
    const template = YAML.parse(await fs.readFile(TEMPLATE, 'utf8'));
    const { bindings } = sync.parameterBindings(template);
    const used: Record<string, string> = {};
    for (const page of template.spec.parameters) {
      for (const [field, schema] of Object.entries<any>(page.properties ?? {})) {
        if (schema['ui:field'] !== 'SlipwaySpecField') continue;
        used[field] = schema['ui:options']?.specPath;
      }
    }
    expect(Object.keys(used).sort()).toEqual(['description', 'name', 'port', 'productionHost', 'stagingHost']);
    for (const [field, specPath] of Object.entries(used)) {
      expect([field, specPath]).toEqual([field, bindings[field]]);
      expect(specFieldRule(specPath)).toBeDefined();
    }
  });
});
