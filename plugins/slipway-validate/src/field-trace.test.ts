/**
 * Unknown fields found by tracing the model's validator, and the same found from what earlier
 * traces learnt (LearnedFieldReads): they must agree object for object, on every object the
 * golden paths render, with and without a misspelt field.
 */
import { promises as fs } from 'fs';
import path from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { renderGoldenPath } from '@slipway/render';
import { LearnedFieldReads, traceUnknownFields } from './field-trace';

/* eslint-disable @typescript-eslint/no-require-imports */
const Deployment = require('kubernetes-models/apps/v1/Deployment').Deployment;
const NetworkPolicy = require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy;
const MODELS: Record<string, { new (data: unknown): object; prototype: { validate(): void } }> = {
  Deployment,
  NetworkPolicy,
  Rollout: require('@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout').Rollout,
  Service: require('kubernetes-models/v1/Service').Service,
  HorizontalPodAutoscaler: require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  PrometheusRule: require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule').PrometheusRule,
  Application: require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application').Application,
};
/* eslint-enable @typescript-eslint/no-require-imports */

function validatorOf(model: (typeof MODELS)[string]): (target: object) => unknown[] {
  return target => {
    try {
      model.prototype.validate.call(target);
      return [];
    } catch (error) {
      return [error];
    }
  };
}

const clean = (found: unknown[]) => found.length === 0;

async function renderedObjects(): Promise<Array<Record<string, any>>> {
  const objects: Array<Record<string, any>> = [];
  for (const goldenPath of createGoldenPathRegistry().list()) {
    const examples = path.join(goldenPath.dir, 'examples');
    for (const name of (await fs.readdir(examples)).filter(file => file.endsWith('.yaml'))) {
      const resolved = goldenPath.resolve(parse(await fs.readFile(path.join(examples, name), 'utf8')));
      if (!resolved.ok) throw new Error(`${goldenPath.id} ${name} does not resolve`);
      for (const file of await renderGoldenPath(goldenPath, resolved.spec)) {
        if (!/\.ya?ml$/.test(file.path)) continue;
        for (const document of parseAllDocuments(file.content)) {
          const object = document.toJS();
          if (object && typeof object.kind === 'string' && MODELS[object.kind]) objects.push(object);
        }
      }
    }
  }
  return objects;
}

describe('LearnedFieldReads', () => {
  it('finds the same unknown fields as tracing, object for object, on every rendered object and on each with a misspelt field', async () => {
    const objects = await renderedObjects();
    expect(new Set(objects.map(object => object.kind)).size).toBeGreaterThanOrEqual(5);
    const learned = new Map<string, LearnedFieldReads>();
    let answeredWithoutTrace = 0;
    for (const object of objects) {
      const misspelt = structuredClone(object);
      misspelt.spec = { ...misspelt.spec, replica: 2 };
      misspelt.metadata = { ...misspelt.metadata, lables: { a: 'b' } };
      for (const candidate of [object, misspelt, object]) {
        const model = MODELS[candidate.kind];
        const reads = learned.get(candidate.kind) ?? new LearnedFieldReads();
        learned.set(candidate.kind, reads);
        const expected = traceUnknownFields(new model(candidate), validatorOf(model));
        const actual = reads.check(new model(candidate), validatorOf(model), clean);
        if (!actual.traced) answeredWithoutTrace++;
        expect({ kind: candidate.kind, name: candidate.metadata?.name, unknown: actual.unknownFields }).toEqual({
          kind: candidate.kind,
          name: candidate.metadata?.name,
          unknown: expected.unknownFields,
        });
        expect(actual.result.length).toBe((expected.result as unknown[]).length);
      }
    }
    // Most objects are answered from what was learnt: that is the point of it.
    expect(answeredWithoutTrace).toBeGreaterThan(objects.length);
  }, 60_000);

  it('gives the same answers validating an instance that shares the parsed (frozen) values, and tracing a model copy only when a place is new', async () => {
    const freeze = <T>(value: T): T => {
      if (value && typeof value === 'object') {
        Object.freeze(value);
        for (const child of Object.values(value)) freeze(child);
      }
      return value;
    };
    const objects = await renderedObjects();
    const byInstance = new Map<string, LearnedFieldReads>();
    const byParsed = new Map<string, LearnedFieldReads>();
    let untraced = 0;
    let untracedWithErrors = 0;
    for (const object of objects) {
      const misspelt = structuredClone(object);
      misspelt.spec = { ...misspelt.spec, replica: 2 };
      // A wrong type at a known place: answered from what was learnt, so the shared instance is what finds it.
      const wrongType = structuredClone(object);
      wrongType.spec = { ...wrongType.spec, replicas: 'two' };
      for (const candidate of [object, misspelt, wrongType, object].map(value => freeze(structuredClone(value)))) {
        const model = MODELS[candidate.kind];
        const instanceReads = byInstance.get(candidate.kind) ?? new LearnedFieldReads();
        const parsedReads = byParsed.get(candidate.kind) ?? new LearnedFieldReads();
        byInstance.set(candidate.kind, instanceReads);
        byParsed.set(candidate.kind, parsedReads);
        const expected = instanceReads.check(new model(candidate), validatorOf(model), clean);
        // As schema-registry.ts does: an instance sharing the frozen values, a model of its own when traced.
        const shared = Object.assign(Object.create(model.prototype), candidate);
        const actual = parsedReads.check(shared, validatorOf(model), clean, () => new model(candidate));
        if (!actual.traced) untraced++;
        if (!actual.traced && actual.result.length > 0) untracedWithErrors++;
        const errors = (result: unknown[]) => result.map(error => (error as Error).message);
        expect({ kind: candidate.kind, unknown: actual.unknownFields, errors: errors(actual.result) })
          .toEqual({ kind: candidate.kind, unknown: expected.unknownFields, errors: errors(expected.result) });
      }
    }
    expect(untraced).toBeGreaterThan(objects.length);
    expect(untracedWithErrors).toBeGreaterThan(0);
  }, 60_000);

  it('traces an object with a place no earlier object had, and then knows it', () => {
    const reads = new LearnedFieldReads();
    const validate = validatorOf(Deployment);
    const base = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'a' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } };
    expect(reads.check(new Deployment(base), validate, clean).traced).toBe(true);
    expect(reads.check(new Deployment(base), validate, clean).traced).toBe(false);
    const withProbe = structuredClone(base) as any;
    withProbe.spec.template.spec.containers[0].readinessProbe = { httpGet: { port: 80, pathh: '/x' } };
    const first = reads.check(new Deployment(withProbe), validate, clean);
    expect(first.traced).toBe(true);
    expect(first.unknownFields.map(field => field.path.join('.'))).toEqual(['spec.template.spec.containers.0.readinessProbe.httpGet.pathh']);
    // A failed validation teaches nothing: the validator may have stopped looking.
    const learnedAfterFailure = reads.size;
    reads.check(new Deployment({ ...base, spec: { ...base.spec, replicas: 'three' } }), validate, clean);
    expect(reads.size).toBe(learnedAfterFailure);
  });

  it('learns that a map is a map whatever its keys, so selectors with other labels are not unknown fields', () => {
    const reads = new LearnedFieldReads();
    const validate = validatorOf(NetworkPolicy);
    const policy = (labels: Record<string, string>) =>
      new NetworkPolicy({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { podSelector: { matchLabels: labels } } });
    reads.check(policy({ a: 'b' }), validate, clean);
    const other = reads.check(policy({ c: 'd', e: 'f' }), validate, clean);
    expect(other).toMatchObject({ traced: false, unknownFields: [] });
  });
});
