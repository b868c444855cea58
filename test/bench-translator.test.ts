/**
 * The benchmark's Handlebars → Nunjucks translator (bench/handlebarsToNunjucks.js):
 * each construct renders the same with nunjitsu (fetch:template's engine) as with
 * Slipway's Handlebars environment, and anything it cannot translate fails naming
 * the file and line.
 */
import { promises as fs } from 'fs';
import os from 'os';
import path from 'path';
import { createTemplateRenderer } from 'nunjitsu';
import { parse } from 'yaml';
import { resolveServiceSpec } from '@slipway/common';
import { goldenPathContext, renderService } from '@slipway/render';
import { nodeServiceGoldenPath, skeletonDir } from '@slipway/skeletons';
import { compileSkeletonFile, createSkeletonHandlebars } from '../plugins/slipway-render/src/handlebars';
import { translateSkeleton, translateTemplate } from '../bench/handlebarsToNunjucks';

const nunjucks = createTemplateRenderer({ allowRegexExecution: true });

function renderBoth(source: string, context: object, partials: Record<string, string> = {}) {
  const hb = createSkeletonHandlebars();
  for (const [name, partial] of Object.entries(partials)) hb.registerPartial(name, partial);
  const handlebars = compileSkeletonFile(hb, source, 'probe.hbs')(context);
  const translated = translateTemplate(source, { file: 'probe.hbs', partials });
  const values = JSON.parse(JSON.stringify(context));
  return { handlebars, nunjucks: nunjucks.render(translated, { values }), translated };
}

const context = {
  spec: {
    name: 'orders',
    description: 'says "hi": {{ x }} ${{ values.y }}\n---\n{% raw %} {# #}',
    image: { registry: 'ghcr.io/acme/team' },
    analysis: { successRate: 0.99, p95LatencyMs: 250 },
    labels: { team: 'a', 'tier-x': 'gold' },
    steps: [{ weight: 10, pause: '1m' }, { weight: 50, pause: '' }, { weight: 100 }],
    empty: [],
    zero: 0,
    nested: [{ name: 'a', items: ['x', 'y'] }, { name: 'b', items: [] }],
  },
  postgres: false,
  partOf: 'payments',
};

describe('handlebarsToNunjucks', () => {
  it.each([
    ['paths and text', 'name: {{spec.name}}\nregistry: {{spec.image.registry}}\n'],
    ['yaml/json helpers on hostile text', 'description: {{yaml spec.description}}\njson: {{json spec.labels}}\n'],
    ['concat, registryHost, seconds, errorBudgetPercent', '{{yaml (concat "db for " spec.name)}} {{registryHost spec.image.registry}} {{seconds spec.analysis.p95LatencyMs}} {{errorBudgetPercent spec.analysis.successRate}}\n'],
    ['eq in an if', '{{#if (eq spec.name "orders")}}yes{{else}}no{{/if}}\n'],
    ['Handlebars truthiness: [] and 0 are false', '{{#if spec.empty}}A{{else}}B{{/if}}{{#if spec.zero}}A{{else}}B{{/if}}{{#if spec.steps}}A{{/if}}{{#unless postgres}}U{{/unless}}\n'],
    [
      'standalone block lines disappear',
      'a:\n{{#if postgres}}\n  db: true\n{{else}}\n  db: false\n{{/if}}\nb: 1\n  {{#each spec.steps}}\n  - w: {{weight}}\n  {{/each}}\nend\n',
    ],
    ['each over a list with @index/@first/@last and inline if', '{{#each spec.steps}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}: {{weight}} {{#if pause}}{ duration: {{pause}} }{{else}}{}{{/if}}\n{{/each}}'],
    ['each over a map with @key and this', 'labels:\n{{#each spec.labels}}\n  {{@key}}: {{yaml this}}\n{{/each}}\n'],
    ['nested each with ../ and else', '{{#each spec.nested}}\n{{name}} of {{../spec.name}}:{{#each items}} {{this}}{{else}} none{{/each}}\n{{/each}}'],
    ['else if chains and unless/else', '{{#if postgres}}\npg\n{{else if spec.steps}}\nsteps\n{{else}}\nnone\n{{/if}}\n{{#unless spec.zero}}z{{else}}nz{{/unless}}\n'],
    ['escapes stay literal', 'a: $\\{{ github.sha }} and \\{{args.namespace}} \\\\{{spec.name}}\n'],
    ['text that looks like Nunjucks', 'run: echo ${#ARR} {% not a tag %} {{{spec.name}}} {#{{spec.name}}#} ${{spec.name}} {{{spec.name}}}\n'],
  ])('%s', (_name, source) => {
    const { handlebars, nunjucks: out } = renderBoth(source, context);
    expect(out).toBe(handlebars);
  });

  it('inlines partials with hash arguments and standalone indentation, nested', () => {
    const partials = {
      labels: 'app: {{spec.name}}\npart-of: {{partOf}}\n',
      rule: 'name: {{spec.name}}-{{severity}}\nlabels:\n  {{> labels}}\n{{#each spec.labels}}\n  {{@key}}: {{yaml this}}\n{{/each}}\n\nenv: {{env.name}}\n',
    };
    const source = 'metadata:\n  {{> rule env=spec.nested.[0] severity="critical"}}\nspec:\n    {{> labels}}\ninline: {{> labels}}';
    const { handlebars, nunjucks: out } = renderBoth(source, context, partials);
    expect(handlebars).toContain('    app: orders'); // nested partial: both indents
    expect(out).toBe(handlebars);
  });

  it('inlines the template\'s own inline partials, also where a shared partial calls them', () => {
    const partials = { 'shared/app': 'app: {{spec.name}}\nextra:\n  {{> appExtra}}\n' };
    const source = '{{#*inline "appExtra"}}\nteam: {{spec.labels.team}}\n{{/inline}}\nmetadata:\n  {{> shared/app}}\n';
    const { handlebars, nunjucks: out } = renderBoth(source, context, partials);
    expect(handlebars).toBe('metadata:\n  app: orders\n  extra:\n    team: a\n');
    expect(out).toBe(handlebars);
  });

  it.each([
    ['an unknown helper', 'a: {{shout spec.name}}\n', /probe\.hbs:1: .*unknown helper shout/],
    ['an unknown block helper', 'a\n{{#with spec}}\n{{name}}\n{{/with}}\n', /probe\.hbs:2: .*block helper \{\{#with\}\}/],
    ['a missing partial', '{{> nope}}\n', /probe\.hbs:1: .*partial nope does not exist/],
    ['hash arguments to a helper', '{{yaml spec.name pretty=true}}\n', /probe\.hbs:1: .*hash arguments/],
    ['@key outside each', '{{@key}}\n', /probe\.hbs:1: .*outside/],
  ])('fails loudly on %s', (_name, source, message) => {
    expect(() => translateTemplate(source, { file: 'probe.hbs', partials: {} })).toThrow(message);
  });

  it('refuses an indented partial whose output does not end with a literal newline', () => {
    expect(() => translateTemplate('a:\n  {{> p}}\n', { file: 'x.hbs', partials: { p: 'b: {{spec.name}}' } })).toThrow(
      /_partials\/p\.hbs: .*must end with a literal newline/,
    );
  });

  it('translates the whole node-service skeleton to files that render exactly like Slipway', async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'slipway-translator-'));
    try {
      const { templates } = translateSkeleton(skeletonDir('node-service'), out, { environments: ['staging', 'production'] });
      expect(templates).toContain('deploy/base/rollout.yaml.njk');
      // Two hand-made specs, and every example with the two environments the translation was made for.
      const examplesDir = path.join(skeletonDir('node-service'), 'examples');
      const examples = await Promise.all(
        (await fs.readdir(examplesDir)).filter(file => file.endsWith('.yaml')).map(async file => parse(await fs.readFile(path.join(examplesDir, file), 'utf8'))),
      );
      for (const values of [
        { name: 'orders', owner: 'group:default/team-a', description: 'Takes orders.' },
        { name: 'billing', owner: 'group:default/payments', system: 'system:default/payments', description: 'a: b\n{{x}}', database: 'postgres' },
        ...examples.filter(example => resolveServiceSpec(example).environments.map(environment => environment.name).join() === 'staging,production'),
      ]) {
        const spec = resolveServiceSpec(values);
        const skeletonValues = JSON.parse(JSON.stringify(goldenPathContext(nodeServiceGoldenPath(skeletonDir('node-service')), spec)));
        for (const file of await renderService(spec)) {
          if (file.path === 'package-lock.json') continue; // reconciled by the renderer, not a template
          const template = path.join(out, `${file.path}.njk`);
          const exists = await fs.stat(template).then(() => true, () => false);
          const rendered = exists
            ? nunjucks.render(await fs.readFile(template, 'utf8'), { values: skeletonValues })
            : await fs.readFile(path.join(out, file.path), 'utf8');
          expect({ path: file.path, content: rendered }).toEqual({ path: file.path, content: file.content });
        }
      }
    } finally {
      await fs.rm(out, { recursive: true, force: true });
    }
  });
});
