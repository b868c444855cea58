import { templateBindings } from './templateBindings';

const template = (input: Record<string, unknown>) => ({
  spec: { steps: [{ action: 'slipway:validate' }, { action: 'slipway:service:generate', input }] },
});

describe('templateBindings', () => {
  it('binds form fields to the spec paths they feed whole, list items by index, skipping action-only inputs', () => {
    const result = templateBindings(
      template({
        name: '${{ parameters.name }}',
        environments: [{ name: 'staging', host: '${{parameters.stagingHost}}' }, { name: 'production', replicas: 4 }],
        description: 'prefix ${{ parameters.description }}',
        publisher: '${{ parameters.publisher }}',
        targetPath: '${{ parameters.dir }}',
      }),
    );
    expect(result).toEqual({
      found: true,
      goldenPath: 'node-service',
      bindings: { name: 'name', stagingHost: 'environments[0].host' },
      // What the template writes itself: the environments' names (an expression inside a string is neither).
      fixed: { 'environments[0].name': 'staging', 'environments[1].name': 'production', 'environments[1].replicas': 4 },
      problems: [],
    });
  });

  it('reports one field feeding two spec paths, and a template without the generate step', () => {
    expect(templateBindings(template({ name: '${{ parameters.x }}', system: '${{ parameters.x }}' })).problems).toEqual([
      'parameters.x feeds both name and system',
    ]);
    expect(templateBindings({ spec: { steps: [] } })).toEqual({
      found: false,
      bindings: {},
      fixed: {},
      problems: ['no step runs slipway:generate'],
    });
  });
});
