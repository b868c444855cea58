import { readFileSync } from 'fs';
import path from 'path';
import Ajv from 'ajv';
import { GENERATED_CRD_KINDS, loadGeneratedCrdSchema } from '.';

/**
 * The schemas in this folder are generated (scripts/generate-crd-schemas.js) from upstream CRD
 * files stored in plugins/slipway-validate/crd-sources. These tests prove the stored sources are
 * upstream's bytes (their git blob ids, which the script checks) and that every output is exactly
 * what the script makes of them: no hand edit, no drift.
 */

interface Generator {
  generateAll(): Map<string, string>;
  toAjv(node: unknown, counts: { celRules: number }): Record<string, unknown>;
  shareRepeated(schema: Record<string, unknown>): Record<string, unknown>;
  readManifest(): { sources: Array<{ repo: string; tag: string; commit: string; path: string; blob: string }> };
  OUTPUT_DIR: string;
  COMMAND: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../../../scripts/generate-crd-schemas.js') as Generator;

describe('generated CRD schemas', () => {
  it('are what scripts/generate-crd-schemas.js makes of the recorded upstream sources', () => {
    const outputs = generator.generateAll();
    expect(outputs.size).toBeGreaterThan(0);
    const stale = [...outputs].filter(([name, text]) => readFileSync(path.join(generator.OUTPUT_DIR, name), 'utf8') !== text).map(([name]) => name);
    if (stale.length > 0) throw new Error(`stale: ${stale.join(', ')}; run ${generator.COMMAND}`);
  });

  it('record where each schema came from: a release tag, its commit and the file\'s blob', () => {
    for (const { module, file } of Object.values(GENERATED_CRD_KINDS)) {
      const loaded = loadGeneratedCrdSchema(module, file);
      expect(loaded?.source).toEqual({
        repo: expect.stringMatching(/^[\w.-]+\/[\w.-]+$/),
        tag: expect.stringMatching(/^v\d+\.\d+\.\d+$/),
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
        path: expect.stringMatching(/\.yaml$/),
        blob: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
      expect(generator.readManifest().sources).toContainEqual(expect.objectContaining(loaded?.source));
    }
  });

  it('has a schema for every served version of the RabbitMQ and External Secrets kinds the golden paths use', () => {
    for (const key of ['rabbitmq.com/v1beta1/RabbitmqCluster', 'rabbitmq.com/v1beta1/Queue', 'rabbitmq.com/v1beta1/Policy', 'rabbitmq.com/v1beta1/User', 'rabbitmq.com/v1beta1/Permission', 'external-secrets.io/v1/ExternalSecret']) {
      const kind = GENERATED_CRD_KINDS[key];
      expect(kind).toBeDefined();
      expect(loadGeneratedCrdSchema(kind.module, kind.file)?.versions[key.split('/')[1]]).toEqual(expect.objectContaining({ type: 'object' }));
    }
  });
});

describe('structural schema → AJV', () => {
  const counts = { celRules: 0 };
  const schema = generator.toAjv(
    {
      type: 'object',
      properties: {
        port: { 'x-kubernetes-int-or-string': true, description: 'a port' },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object' } } },
        strict: { type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.a > 0' }] },
      },
    },
    counts,
  );
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const errors = (data: unknown) => (validate(data) ? [] : (validate.errors ?? []).map(error => `${error.instancePath} ${error.keyword}`));

  it('reads int-or-string as integer or string, and drops descriptions', () => {
    expect(errors({ port: 80 })).toEqual([]);
    expect(errors({ port: 'http' })).toEqual([]);
    expect(errors({ port: true })).toContain('/port anyOf');
    expect(JSON.stringify(schema)).not.toContain('description');
  });

  it('closes objects the API server prunes, and leaves preserve-unknown-fields and maps open', () => {
    expect(errors({ strict: { a: 1, b: 2 } })).toEqual(['/strict additionalProperties']);
    expect(errors({ typo: 1 })).toEqual([' additionalProperties']);
    expect(errors({ config: { anything: { goes: true } }, labels: { a: 'b' } })).toEqual([]);
  });

  it('admits apiVersion, kind and metadata in embedded resources, and counts the CEL rules it cannot run', () => {
    expect(errors({ template: { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: {} } })).toEqual([]);
    expect(counts.celRules).toBe(1);
  });
});

describe('repeated subschemas', () => {
  it('are compiled once through $defs, and report the same errors', () => {
    const container = { type: 'object', additionalProperties: false, properties: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, { type: 'string' }])) };
    const schema = { type: 'object', additionalProperties: false, properties: { containers: { type: 'array', items: container }, initContainers: { type: 'array', items: container } } };
    const shared = generator.shareRepeated(schema);
    // The container schema is written once (under $defs), where it was written twice.
    expect(JSON.stringify(schema).match(/field39/g)).toHaveLength(2);
    expect(JSON.stringify(shared).match(/field39/g)).toHaveLength(1);
    expect(shared.$defs).toBeDefined();
    const errors = (target: object) => {
      const validate = new Ajv({ allErrors: true, strict: false }).compile(target);
      validate({ containers: [{ field1: 'x', typo: 1 }], initContainers: [{ field2: 3 }] });
      return (validate.errors ?? []).map(error => `${error.instancePath} ${error.keyword}`);
    };
    expect(errors(shared)).toEqual(errors(schema));
    expect(errors(shared)).toEqual(['/containers/0 additionalProperties', '/initContainers/0/field2 type']);
  });
});
