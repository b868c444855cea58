import { isInlineYaml, kustomizationSources, pluginConfigSources } from './kustomize-entries';

const entriesOf = (text: string) => kustomizationSources(text).entries.map(({ field, entry, kind }) => `${field} ${entry} ${kind}`);

describe('finding: slipway validate on an untrusted repo makes network requests', () => {
  describe('kustomizationSources: every field that makes kustomize read a file or URL', () => {
    it('finds resources, bases, components, crds and configurations', () => {
      const text = [
        'resources: [a.yaml, ../../base]',
        'bases: [../old-base]',
        'components: [../../components/tls]',
        'crds: [crds/widget.yaml]',
        'configurations: [config/names.yaml]',
      ].join('\n');
      expect(entriesOf(text)).toEqual([
        'resources[0] a.yaml resource',
        'resources[1] ../../base resource',
        'bases[0] ../old-base resource',
        'components[0] ../../components/tls component',
        'crds[0] crds/widget.yaml file',
        'configurations[0] config/names.yaml file',
      ]);
    });

    it('finds patch, replacement and OpenAPI paths, and skips inline patches', () => {
      const text = [
        'patches:',
        '  - path: rollout.yaml',
        '  - patch: |-',
        '      - op: replace',
        '        path: /spec/replicas',
        '        value: 2',
        'patchesJson6902:',
        '  - target: {kind: Deployment, name: x}',
        '    path: ops.yaml',
        'patchesStrategicMerge:',
        '  - smp.yaml',
        '  - |-',
        '    apiVersion: apps/v1',
        '    kind: Deployment',
        '    metadata: {name: x}',
        'replacements:',
        '  - path: replacement.yaml',
        '  - source: {kind: Service, name: x}',
        'openapi:',
        '  path: schema.json',
      ].join('\n');
      expect(entriesOf(text)).toEqual([
        'patches[0].path rollout.yaml file',
        'patchesJson6902[0].path ops.yaml file',
        'replacements[0].path replacement.yaml file',
        'patchesStrategicMerge[0] smp.yaml file',
        'openapi.path schema.json file',
      ]);
    });

    it('finds configMapGenerator and secretGenerator files (after key=), envs and env', () => {
      const text = [
        'configMapGenerator:',
        '  - name: a',
        '    files: [app.properties, key=conf/other.txt]',
        '    envs: [a.env]',
        '    env: b.env',
        '    literals: [URL=https://example.com]',
        'secretGenerator:',
        '  - name: s',
        '    files: [token=http://169.254.169.254/latest/meta-data/iam]',
      ].join('\n');
      expect(entriesOf(text)).toEqual([
        'configMapGenerator[0].files[0] app.properties file',
        'configMapGenerator[0].files[1] conf/other.txt file',
        'configMapGenerator[0].envs[0] a.env file',
        'configMapGenerator[0].env b.env file',
        'secretGenerator[0].files[0] http://169.254.169.254/latest/meta-data/iam file',
      ]);
    });

    it('takes generator, transformer and validator paths as plugin configs and reads inline configs', () => {
      const text = [
        'generators: [gen.yaml]',
        'transformers:',
        '  - |-',
        '    apiVersion: builtin',
        '    kind: PatchTransformer',
        '    metadata: {name: p}',
        '    path: https://example.com/patch.yaml',
        'validators: [check.yaml]',
      ].join('\n');
      expect(entriesOf(text)).toEqual([
        'generators[0] gen.yaml plugin-config',
        'transformers[0] (inline).path https://example.com/patch.yaml file',
        'validators[0] check.yaml plugin-config',
      ]);
    });

    it('flags helmCharts and helmChartInflationGenerator, which download charts', () => {
      const extracted = kustomizationSources('helmCharts:\n  - name: redis\n    repo: https://charts.example.com\nhelmChartInflationGenerator:\n  - chartName: x\n');
      expect(extracted.downloading.map(d => d.field)).toEqual(['helmCharts', 'helmChartInflationGenerator']);
      expect(kustomizationSources('helmCharts: []\n').downloading).toEqual([]);
    });

    it('reads keys the way kustomize does: any case, merge keys, aliases and every duplicate', () => {
      const text = [
        'shared: &shared',
        '  resources: [from-merge.yaml]',
        'list: &list [from-alias.yaml]',
        '<<: *shared',
        'Resources: *list',
        'RESOURCES: [upper.yaml]',
        'resources: [first.yaml]',
        'resources: [second.yaml]',
        'reſources: [long-s.yaml]',
      ].join('\n');
      expect(entriesOf(text).sort()).toEqual(
        [
          'resources[0] from-merge.yaml resource',
          'resources[0] from-alias.yaml resource',
          'resources[0] upper.yaml resource',
          'resources[0] first.yaml resource',
          'resources[0] second.yaml resource',
          'resources[0] long-s.yaml resource',
        ].sort(),
      );
    });

    it('checks non-string scalars by their source text, and a lone value as a list', () => {
      expect(entriesOf('resources:\n  - 0o17\n  - yes\ncrds: one.yaml\n')).toEqual(['resources[0] 0o17 resource', 'resources[1] yes resource', 'crds[0] one.yaml file']);
    });

    it('says when the text cannot be read, so the overlay is not built on a guess', () => {
      expect(kustomizationSources('resources: [\n').unreadable).toEqual([expect.stringMatching(/^not valid YAML: /)]);
      expect(kustomizationSources('resources: *nowhere\n').unreadable).not.toEqual([]);
    });
  });

  describe('pluginConfigSources', () => {
    it('finds the paths builtin plugins read, relative to the listing kustomization', () => {
      const text = [
        'apiVersion: builtin',
        'kind: PatchTransformer',
        'metadata: {name: p}',
        'path: patch.yaml',
        '---',
        'kind: PatchStrategicMergeTransformer',
        'paths: [smp.yaml]',
        '---',
        'kind: ReplacementTransformer',
        'replacements:',
        '  - path: r.yaml',
        '---',
        'kind: ConfigMapGenerator',
        'files: [k=f.txt]',
        'envs: [e.env]',
        '---',
        'kind: ValueAddTransformer',
        'targetFilePath: v.txt',
      ].join('\n');
      expect(pluginConfigSources(text, 'transformers[0]').entries.map(e => `${e.field} ${e.entry}`)).toEqual([
        'transformers[0].path patch.yaml',
        'transformers[0].paths[0] smp.yaml',
        'transformers[0].replacements[0].path r.yaml',
        'transformers[0].files[0] f.txt',
        'transformers[0].envs[0] e.env',
        'transformers[0].targetFilePath v.txt',
      ]);
    });

    it('flags a HelmChartInflationGenerator config', () => {
      const extracted = pluginConfigSources('apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: h}\nchartName: x\n', 'generators[0]');
      expect(extracted.downloading).toEqual([expect.objectContaining({ field: 'generators[0] kind HelmChartInflationGenerator' })]);
    });
  });

  it('isInlineYaml: several lines or flow YAML that parse as objects; everything else is a path', () => {
    expect(isInlineYaml('kind: Deployment\nmetadata: {name: x}')).toBe(true);
    expect(isInlineYaml('{"kind": "Deployment"}')).toBe(true);
    expect(isInlineYaml('patch.yaml')).toBe(false);
    expect(isInlineYaml('https://example.com/a.yaml')).toBe(false);
    expect(isInlineYaml('kind: X')).toBe(false);
  });
});
