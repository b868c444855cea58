/**
 * templates/system/template.yaml against what it drives: its form asks the system spec's fields
 * (and says which it leaves out, and why), the generate step passes each of them on under the
 * same name, every step's action exists, and the steps after generate run once per part.
 * test/system.e2e.test.ts runs the Template for real.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { systemSpecSchema } from '@slipway/common';
import { SLIPWAY_ACTION_IDS } from '@slipway/plugin-scaffolder-backend-module-slipway';
import { REPO_ROOT } from './support/generatedRepo';

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; dependencies?: Record<string, { oneOf: JsonSchema[] }> };
type Step = { id: string; action: string; each?: string; if?: string; input: Record<string, unknown> };

/** Keys of a zod object, through the defaults and arrays around it. */
function zodKeys(schema: unknown): string[] {
  let current = schema as { shape?: Record<string, unknown>; element?: unknown; _zod: { def: { innerType?: unknown } } };
  while (!current.shape) current = (current.element ?? current._zod.def.innerType) as typeof current;
  return Object.keys(current.shape).sort();
}

describe('templates/system/template.yaml', () => {
  let template: { kind: string; metadata: { name: string }; spec: { type: string; parameters: JsonSchema[]; steps: Step[] } };
  let form: Record<string, JsonSchema>;
  let steps: Step[];

  beforeAll(async () => {
    template = parse(await fs.readFile(path.join(REPO_ROOT, 'templates/system/template.yaml'), 'utf8'));
    form = Object.assign({}, ...template.spec.parameters.map(page => page.properties ?? {}));
    steps = template.spec.steps;
  });

  it('is a Template of type system, registered in app-config.yaml', async () => {
    expect({ kind: template.kind, name: template.metadata.name, type: template.spec.type }).toEqual({ kind: 'Template', name: 'slipway-system', type: 'system' });
    const appConfig = parse(await fs.readFile(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'));
    expect(appConfig.catalog.locations).toEqual(expect.arrayContaining([{ type: 'file', target: './templates/*/template.yaml', rules: [{ allow: ['Template'] }] }]));
  });

  it("asks the system spec's fields, leaving out only repos (the publisher decides it)", () => {
    const asked = Object.keys(form).filter(name => name !== 'publisher').sort();
    expect(asked.filter(name => !zodKeys(systemSpecSchema).includes(name))).toEqual([]);
    expect(zodKeys(systemSpecSchema).filter(name => !asked.includes(name))).toEqual(['repos']);
    // A part's fields, all of them; a resource's, but for heldBy, storageSize and backup (values files and REST only).
    expect(Object.keys(form.parts.items!.properties!).sort()).toEqual(zodKeys(systemSpecSchema.shape.parts));
    expect(zodKeys(systemSpecSchema.shape.resources).filter(name => !(name in form.resources.items!.properties!))).toEqual(['backup', 'heldBy', 'storageSize']);
    expect(Object.keys(form.edges.properties!).sort()).toEqual(zodKeys(systemSpecSchema.shape.edges));
  });

  it('passes every field it asks on to slipway:system:generate under the same name', () => {
    const generate = steps.find(step => step.id === 'generate')!;
    expect(generate.action).toBe('slipway:system:generate');
    const values = generate.input.values as Record<string, string>;
    for (const name of Object.keys(form).filter(field => field !== 'publisher')) expect({ name, value: values[name] }).toEqual({ name, value: `\${{ parameters.${name} }}` });
    expect(generate.input.publisher).toBe("${{ parameters.publisher or 'local' }}");
  });

  it("uses only actions that exist, and runs the steps after generate once per part or for the system repo", () => {
    const builtIn = ['publish:github', 'catalog:register'];
    for (const step of steps) expect([...SLIPWAY_ACTION_IDS, ...builtIn]).toContain(step.action);
    const perPart = steps.filter(step => step.each);
    // No per-part validate step: slipway:system:generate validates the whole system before it writes.
    expect(perPart.map(step => step.id)).toEqual(['publish-local', 'publish-github', 'register']);
    expect(steps.filter(step => step.action === 'slipway:validate')).toEqual([]);
    for (const step of perPart) expect(step.each).toBe("${{ steps['generate'].output.parts }}");
    // Exactly one set of publish steps runs, whatever the publisher.
    const publishers = steps.filter(step => step.if).map(step => [step.id, step.if]);
    expect(publishers).toEqual([
      ['publish-system-local', "${{ parameters.publisher !== 'github' }}"],
      // The config repo (layout config-repo only) is published and registered like the others.
      ['publish-config-local', "${{ steps['generate'].output.configRepo and parameters.publisher !== 'github' }}"],
      ['publish-local', "${{ parameters.publisher !== 'github' }}"],
      ['finish-local', "${{ parameters.publisher !== 'github' }}"],
      ['publish-system-github', "${{ parameters.publisher === 'github' }}"],
      ['register-system', "${{ parameters.publisher === 'github' }}"],
      ['publish-config-github', "${{ steps['generate'].output.configRepo and parameters.publisher === 'github' }}"],
      ['register-config', "${{ steps['generate'].output.configRepo and parameters.publisher === 'github' }}"],
      ['publish-github', "${{ parameters.publisher === 'github' }}"],
      ['register', "${{ parameters.publisher === 'github' }}"],
    ]);
  });
});
