import { templateBindings } from './templateBindings';

const template = (input: Record<string, unknown>) => ({
  spec: { steps: [{ action: 'slipway:validate' }, { action: 'slipway:service:generate', input }] },
});

describe('templateBindings', () => {
  it('binds form fields to the spec paths they feed whole, skipping action-only inputs', () => {
    const result = templateBindings(
      template({
        name: '${{ parameters.name }}',
        environments: { staging: { host: '${{parameters.stagingHost}}' } },
        description: 'prefix ${{ parameters.description }}',
        publisher: '${{ parameters.publisher }}',
        targetPath: '${{ parameters.dir }}',
      }),
    );
    expect(result).toEqual({ found: true, bindings: { name: 'name', stagingHost: 'environments.staging.host' }, problems: [] });
  });

  it('reports one field feeding two spec paths, and a template without the generate step', () => {
    expect(templateBindings(template({ name: '${{ parameters.x }}', system: '${{ parameters.x }}' })).problems).toEqual([
      'parameters.x feeds both name and system',
    ]);
    expect(templateBindings({ spec: { steps: [] } })).toEqual({
      found: false,
      bindings: {},
      problems: ['no step runs slipway:service:generate'],
    });
  });
});
