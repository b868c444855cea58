import { defineRules } from './types';

const MODELS = 'kubernetes-models and @kubernetes-models/* (the upstream OpenAPI and CRD schemas)';

/**
 * Rules of the schema stage: every object is checked against the schema of its apiVersion
 * and kind. A JSON Schema keyword an object breaks is its own rule (`schema-<keyword>`).
 */
export const schemaRules = defineRules([
  {
    id: 'not-a-kubernetes-object',
    check: 'schema',
    summary: 'Every YAML document of a manifest is a Kubernetes object with apiVersion, kind and metadata.name; kubectl and Argo CD reject any other document.',
    remediation: 'Add the missing apiVersion, kind or metadata.name, or move the document out of the files kustomize lists as resources.',
    source: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/#required-fields',
  },
  {
    id: 'unknown-kind',
    check: 'schema',
    summary: 'Every object has an apiVersion and kind whose schema Slipway knows, so it can be checked at all; a wrong group or version is also refused by the API server.',
    remediation: 'Correct apiVersion/kind (the message names the versions the kind is known under), or validate objects of that kind some other way.',
  },
  {
    id: 'unknown-field',
    check: 'schema',
    summary: 'No object sets a field its schema does not declare: the API server drops unknown fields (or rejects them under strict field validation), so a misspelt field never takes effect.',
    remediation: 'Rename the field to the one the schema declares (the message suggests the closest), or remove it.',
    source: 'https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation',
  },
  {
    id: 'schema-type',
    check: 'schema',
    summary: 'Every field has the type its schema declares (string, integer, object, array): the API server rejects the object otherwise.',
    remediation: 'Write the value in the declared type, e.g. quote a number the schema wants as a string, or give a list where a list is expected.',
    source: MODELS,
  },
  {
    id: 'schema-required',
    check: 'schema',
    summary: 'Every field the schema requires is present: the API server rejects the object otherwise.',
    remediation: 'Add the missing field named in the message.',
    source: MODELS,
  },
  {
    id: 'schema-enum',
    check: 'schema',
    summary: 'Fields with a fixed set of values hold one of them: the API server rejects anything else.',
    remediation: 'Use one of the values the message lists (they are case-sensitive).',
    source: MODELS,
  },
  {
    id: 'schema-format',
    check: 'schema',
    summary: 'Values with a declared format (int32, int64, date-time, …) are in that format.',
    remediation: 'Write the value in the format the message names.',
    source: MODELS,
  },
  {
    id: 'schema-pattern',
    check: 'schema',
    summary: 'Values constrained by a pattern (names, durations, quantities) match it: the API server rejects them otherwise.',
    remediation: 'Write the value so it matches the pattern in the message.',
    source: MODELS,
  },
  {
    id: 'schema-minimum',
    check: 'schema',
    summary: 'Numbers are not below the minimum their schema allows.',
    remediation: 'Raise the value to at least the minimum in the message.',
    source: MODELS,
  },
  {
    id: 'schema-maximum',
    check: 'schema',
    summary: 'Numbers are not above the maximum their schema allows.',
    remediation: 'Lower the value to at most the maximum in the message.',
    source: MODELS,
  },
  {
    id: 'schema-min-length',
    check: 'schema',
    summary: 'Strings are not shorter than their schema allows (most often: must not be empty).',
    remediation: 'Give the field a value of at least the length in the message.',
    source: MODELS,
  },
  {
    id: 'schema-constraint',
    check: 'schema',
    summary: 'Values meet every other constraint of their schema (const, minItems, oneOf and anyOf without a type error, or a keyword a newer schema adds).',
    remediation: 'Change the value so it meets the constraint the message quotes.',
    source: MODELS,
  },
  {
    id: 'schema-check-failed',
    check: 'schema',
    summary: 'The schema check of an object completes; when it throws, the object was not checked at all.',
    remediation: 'Report it as a Slipway bug with the object; meanwhile check the object by hand (kubectl apply --dry-run=server).',
  },
]);
