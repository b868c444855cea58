import { z } from 'zod';
import { serviceSpecSchema } from './spec';

/** A JSON Schema (draft 2020-12 subset) object, as the Backstage template form consumes it. */
export type JsonSchemaObject = { [key: string]: unknown };

let cached: JsonSchemaObject | undefined;

/**
 * The spec as JSON Schema, describing what a user may write (input side, with defaults).
 * The template form's parameters are checked against this, so the two cannot drift.
 */
export function specJsonSchema(): JsonSchemaObject {
  cached ??= z.toJSONSchema(serviceSpecSchema, { io: 'input', target: 'draft-7' }) as JsonSchemaObject;
  return cached;
}

/** The JSON Schema of one top-level or nested field, addressed by a dotted path such as `environments.staging`. */
export function specFieldJsonSchema(path: string): JsonSchemaObject | undefined {
  let node: JsonSchemaObject | undefined = specJsonSchema();
  for (const key of path.split('.')) {
    const properties = node?.properties as Record<string, JsonSchemaObject> | undefined;
    node = properties?.[key];
  }
  return node;
}
