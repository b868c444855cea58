/**
 * The template form and the spec cannot drift: every form field that feeds the
 * generate action must have exactly the spec field's JSON Schema (only `title`,
 * `ui:*` and a `default` the spec lacks may be added), and every field the spec
 * requires must be required by the form. `scripts/sync-template-form.js` fixes drift.
 */
import { promises as fs } from 'fs';
import path from 'path';
import YAML from 'yaml';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { specFieldJsonSchema, specJsonSchema } from '@slipway/common';
import { createGoldenPathRegistry } from '@slipway/skeletons';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sync = require('../scripts/sync-template-form.js') as {
  parameterBindings(template: unknown): { bindings: Record<string, string>; problems: string[] };
  checkTemplateForm(text: string): string[];
  syncTemplateForm(text: string): { text: string; changes: string[]; errors: string[] };
};

const TEMPLATE = path.join(__dirname, '..', 'skeletons', 'node-service', 'template.yaml');

describe.each(createGoldenPathRegistry().list().map(goldenPath => [goldenPath.id, goldenPath] as const))('the %s golden path\'s template.yaml', (id, goldenPath) => {
  it('renders this golden path and has its form equal to the golden path\'s spec', async () => {
    const text = await fs.readFile(path.join(goldenPath.dir, 'template.yaml'), 'utf8');
    const template = YAML.parse(text);
    expect(await templateEntityV1beta3Validator.check(template)).toBe(true);
    const generate = template.spec.steps.find((step: any) => step.action === 'slipway:generate');
    expect(generate?.input.goldenPath).toBe(id);
    expect(sync.checkTemplateForm(text)).toEqual([]);
  });
});

function edit(text: string, change: (template: any) => void): string {
  const template = YAML.parse(text);
  change(template);
  return YAML.stringify(template, { lineWidth: 0 });
}

describe('skeletons/node-service/template.yaml', () => {
  let text: string;
  let template: any;

  beforeAll(async () => {
    text = await fs.readFile(TEMPLATE, 'utf8');
    template = YAML.parse(text);
  });

  it('is a valid scaffolder.backstage.io/v1beta3 Template', async () => {
    expect(await templateEntityV1beta3Validator.check(template)).toBe(true);
    expect(template.metadata.name).toBe('slipway-node-service');
    expect(template.spec.steps.map((step: any) => [step.action, step.if ?? 'always'])).toEqual([
      ['slipway:generate', 'always'],
      ['slipway:validate', 'always'],
      // `!== 'github'`: a REST caller that leaves publisher out (no form defaults there) publishes locally.
      ['slipway:publish:local', "${{ parameters.publisher !== 'github' }}"],
      ['publish:github', "${{ parameters.publisher === 'github' }}"],
      ['catalog:register', "${{ parameters.publisher === 'github' }}"],
    ]);
    // Local publishing is the last step that runs, so a failure anywhere leaves no repo behind.
    const runsForLocal = template.spec.steps.filter((step: any) => !step.if || step.if.includes("!== 'github'"));
    expect(runsForLocal[runsForLocal.length - 1].action).toBe('slipway:publish:local');
  });

  it('has every form field fed to the action equal to the spec field (run scripts/sync-template-form.js to fix)', () => {
    expect(sync.checkTemplateForm(text)).toEqual([]);
  });

  it('binds the fields the form asks for to spec paths, and asks for every required spec field', () => {
    const { bindings, problems } = sync.parameterBindings(template);
    expect(problems).toEqual([]);
    expect(bindings).toMatchObject({
      name: 'name',
      owner: 'owner',
      description: 'description',
      system: 'system',
      database: 'database',
      port: 'port',
      stagingHost: 'environments[0].host',
      productionHost: 'environments[1].host',
      certificateIssuer: 'tls.issuer.name',
    });
    const requiredByForm = new Set(template.spec.parameters.flatMap((page: any) => page.required ?? []));
    for (const field of specJsonSchema().required as string[]) {
      const formField = Object.keys(bindings).find(key => bindings[key] === field);
      expect(formField).toBeDefined();
      expect(requiredByForm.has(formField)).toBe(true);
    }
    for (const [field, specPath] of Object.entries(bindings)) {
      const page = template.spec.parameters.find((p: any) => p.properties?.[field]);
      const { title, ...rest } = page.properties[field];
      const schemaPart = Object.fromEntries(Object.entries(rest).filter(([key]) => !key.startsWith('ui:')));
      expect(typeof title).toBe('string');
      expect(schemaPart).toEqual(specFieldJsonSchema(specPath));
    }
  });

  it('fails on drift in a rule, a description, required-ness or a default, and the script repairs it', () => {
    const drifted = edit(text, t => {
      const [about, runtime] = t.spec.parameters;
      about.properties.name.pattern = '^[a-z]+$';
      about.properties.description.minLength = 3;
      about.required = about.required.filter((f: string) => f !== 'owner');
      runtime.properties.port.default = 3000;
      runtime.properties.productionHost.description = 'Anything';
      delete runtime.properties.database.enum;
      // The live check would use another golden path's spec, or none.
      about.properties.name['ui:options'].goldenPath = 'node-worker';
      delete runtime.properties.port['ui:options'].goldenPath;
    });
    const problems = sync.checkTemplateForm(drifted);
    expect(problems).toEqual(
      expect.arrayContaining([
        'name (name): pattern differ from the spec',
        'description (description): minLength differ from the spec',
        'owner (owner): required by the spec but not by the form',
        'port (port): default differ from the spec',
        'productionHost (environments[1].host): description differ from the spec',
        'database (database): enum differ from the spec',
        "name: ui:options.goldenPath must be node-service, the generate step's, for SlipwaySpecField to check it with that spec",
        "port: ui:options.goldenPath must be node-service, the generate step's, for SlipwaySpecField to check it with that spec",
      ]),
    );
    const repaired = sync.syncTemplateForm(drifted);
    expect(repaired.errors).toEqual([]);
    expect(sync.checkTemplateForm(repaired.text)).toEqual([]);
    const sortRequired = (t: any) => {
      for (const page of t.spec.parameters) page.required?.sort();
      return t;
    };
    expect(sortRequired(YAML.parse(repaired.text))).toEqual(sortRequired(YAML.parse(text)));
  });

  it('allows titles, ui:* keys and a default the spec does not set', () => {
    const customised = edit(text, t => {
      const [about, runtime] = t.spec.parameters;
      about.properties.name.title = 'Service name';
      about.properties.name['ui:help'] = 'Something else';
      runtime.properties.stagingHost.default = 'orders.staging.acme.io';
    });
    expect(sync.checkTemplateForm(customised)).toEqual([]);
  });

  it('reports what it cannot repair: a binding to a non-spec path, a missing form field, an unasked required field', () => {
    const broken = edit(text, t => {
      const values = t.spec.steps[0].input.values;
      values.nmae = '${{ parameters.name }}';
      delete values.owner;
      values.environments[0].host = '${{ parameters.stagingHostname }}';
    });
    expect(sync.checkTemplateForm(broken)).toEqual(
      expect.arrayContaining([
        'parameters.name feeds both name and nmae',
        'slipway:generate values.nmae (from parameters.name) is not a spec field',
        'parameters.stagingHostname feeds environments[0].host but is not a form field',
        'the spec requires owner, but no form field feeds it',
      ]),
    );
  });
});
