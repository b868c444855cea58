import type { z as zv3 } from 'zod/v3';
import { JsonSchemaObject, serviceSpecSchema, specJsonSchema } from '@slipway/common';

/**
 * The action's published input schema, derived from the shared spec.
 *
 * Backstage hands action schema callbacks its own `zod/v3` instance and converts
 * them with zod-to-json-schema, so the spec's zod 4 schemas cannot be passed
 * through (zod-to-json-schema turns them into `properties: {}` with
 * `additionalProperties: false`, which makes the runner reject every input).
 * Instead each top-level spec field is rebuilt from the spec's JSON Schema with
 * its structure, types, enums, defaults and descriptions. The finer rules
 * (patterns, lengths, ranges, cross-field rules) are checked in the handler by the
 * spec itself, so a template author gets the same `field: rule` messages as the
 * form and the CLI, instead of jsonschema's "does not match pattern …".
 */
export type ZodV3 = typeof zv3;
export type InputField = (z: ZodV3) => zv3.ZodTypeAny;

function fromJsonSchema(z: ZodV3, node: JsonSchemaObject | undefined): zv3.ZodTypeAny {
  if (!node) return z.unknown();
  let schema: zv3.ZodTypeAny;
  const type = node.type as string | undefined;
  if (Array.isArray(node.enum) && node.enum.length > 0 && node.enum.every(v => typeof v === 'string')) {
    const values = node.enum as string[];
    schema = z.enum(values as [string, ...string[]]);
  } else if (type === 'string') {
    schema = z.string();
  } else if (type === 'integer') {
    schema = z.number().int();
  } else if (type === 'number') {
    schema = z.number();
  } else if (type === 'boolean') {
    schema = z.boolean();
  } else if (type === 'array') {
    schema = z.array(fromJsonSchema(z, node.items as JsonSchemaObject | undefined));
  } else if (type === 'object' && node.properties) {
    const required = new Set((node.required as string[] | undefined) ?? []);
    const shape: Record<string, zv3.ZodTypeAny> = {};
    for (const [key, child] of Object.entries(node.properties as Record<string, JsonSchemaObject>)) {
      const field = fromJsonSchema(z, child);
      shape[key] = required.has(key) ? field : field.optional();
    }
    // zod-to-json-schema renders a plain (strip) object with additionalProperties: false,
    // matching the spec's strictness: a misspelt key is reported, never silently dropped.
    schema = z.object(shape);
  } else if (type === 'object') {
    const values = node.additionalProperties;
    schema = z.record(typeof values === 'object' && values ? fromJsonSchema(z, values as JsonSchemaObject) : z.unknown());
  } else {
    schema = z.unknown();
  }
  if (typeof node.description === 'string') schema = schema.describe(node.description);
  return schema;
}

function hasUsefulDefault(value: unknown): boolean {
  if (value === undefined) return false;
  if (value && typeof value === 'object' && !Array.isArray(value)) return Object.keys(value).length > 0;
  return true;
}

/**
 * One input field per top-level spec field, in the spec's order: the action input
 * IS the spec (plus action-only fields added by the caller).
 */
export function specInputFields(): Record<string, InputField> {
  const root = specJsonSchema();
  const properties = root.properties as Record<string, JsonSchemaObject>;
  const required = new Set((root.required as string[] | undefined) ?? []);
  const fields: Record<string, InputField> = {};
  for (const key of Object.keys(serviceSpecSchema.shape)) {
    const node = properties[key];
    fields[key] = z => {
      const schema = fromJsonSchema(z, node);
      if (required.has(key)) return schema;
      // Documented only: Backstage never applies defaults; the handler does, through the spec.
      return hasUsefulDefault(node?.default) ? schema.default(node!.default) : schema.optional();
    };
  }
  return fields;
}
