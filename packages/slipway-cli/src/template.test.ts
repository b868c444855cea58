import path from 'path';
import { resolveServiceSpec } from '@slipway/common';
import { CliError } from './errors';
import { parameterBindings, readTemplateFile, repoPickerValue, valuesToParameters, TemplateEntity } from './template';

const TEMPLATE = path.resolve(__dirname, '../../../skeletons/node-service/template.yaml');

describe('mapping values to the template form', () => {
  let template: TemplateEntity;
  beforeAll(async () => {
    template = await readTemplateFile(TEMPLATE);
  });

  it('reads the bindings from the generate step', () => {
    expect(parameterBindings(template)).toEqual({
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
  });

  it('maps spec values to form fields, takes the form defaults it does not bind, and lists what the form cannot take', () => {
    const values = {
      name: 'billing',
      owner: 'group:default/payments',
      description: 'Issues invoices.',
      database: 'postgres',
      environments: [{ name: 'staging' }, { name: 'production', host: 'billing.acme.io', replicas: 4 }],
      analysis: { successRate: 0.95 },
      gitops: { repoUrl: 'https://github.com/acme/billing.git' },
    };
    const mapping = valuesToParameters(template, values, resolveServiceSpec(values));
    expect(mapping.parameters).toEqual({
      name: 'billing',
      owner: 'group:default/payments',
      description: 'Issues invoices.',
      database: 'postgres',
      productionHost: 'billing.acme.io',
      publisher: 'local',
    });
    expect(mapping.derived).toEqual(['publisher']);
    // The publisher decides the repo URL, so the values file's own gitops.repoUrl cannot reach the action.
    // The environments' names are what the template writes itself, so they are not "ignored".
    expect(mapping.ignored.sort()).toEqual(['analysis.successRate', 'environments[1].replicas', 'gitops.repoUrl']);
  });

  it('maps an environment\'s host only onto the form field of the same environment', () => {
    // dev → staging → production: the form asks the hosts of staging (item 0) and production
    // (item 1), which are items 1 and 2 here, so nothing maps and every environment is reported.
    const values = {
      name: 'catalog',
      owner: 'group:default/team-a',
      description: 'Serves the catalogue.',
      environments: [{ name: 'dev' }, { name: 'staging', host: 'catalog.staging.acme.io' }, { name: 'production', host: 'catalog.acme.io' }],
    };
    const mapping = valuesToParameters(template, values, resolveServiceSpec(values));
    expect(mapping.parameters.stagingHost).toBeUndefined();
    expect(mapping.parameters.productionHost).toBeUndefined();
    expect(mapping.ignored.filter(leaf => leaf.startsWith('environments')).sort()).toEqual([
      'environments[0].name',
      'environments[1].host',
      'environments[1].name',
      'environments[2].host',
      'environments[2].name',
    ]);
  });

  it('uses example-org/<name> when the GitOps repo is not on GitHub', () => {
    const spec = resolveServiceSpec({ name: 'x', owner: 'team-a', description: 'd', gitops: { repoUrl: 'https://gitlab.com/a/x.git' } });
    expect(repoPickerValue(spec)).toBe('github.com?owner=example-org&repo=x');
  });

  it('refuses a template without the generate step, and a required field it cannot fill', () => {
    const noGenerate = { ...template, spec: { ...template.spec, steps: [] } };
    expect(() => parameterBindings(noGenerate)).toThrow(CliError);
    const extraRequired: TemplateEntity = JSON.parse(JSON.stringify(template));
    const pages = extraRequired.spec.parameters as any[];
    pages[0].properties.costCentre = { type: 'string' };
    pages[0].required.push('costCentre');
    const values = { name: 'x', owner: 'team-a', description: 'd' };
    expect(() => valuesToParameters(extraRequired, values, resolveServiceSpec(values))).toThrow(/requires costCentre/);
  });

  it('reports unreadable or non-template files as bad input', async () => {
    await expect(readTemplateFile('/nonexistent/template.yaml')).rejects.toThrow(/cannot read template .*ENOENT/);
    await expect(readTemplateFile(__filename)).rejects.toThrow(CliError);
  });
});
