import { z } from 'zod';
import { serviceSpecSchema } from './spec';

/** A JSON Schema (draft 2020-12 subset) object, as the Backstage template form consumes it. */
export type JsonSchemaObject = { [key: string]: unknown };

const cached = new WeakMap<z.ZodType, JsonSchemaObject>();

/**
 * A golden path's spec as JSON Schema (default: node-service's), describing what a user may
 * write (input side, with defaults). The template form's parameters are checked against
 * this, so the two cannot drift.
 */
export function specJsonSchema(schema: z.ZodType = serviceSpecSchema): JsonSchemaObject {
  let json = cached.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as JsonSchemaObject;
    cached.set(schema, json);
  }
  return json;
}

/**
 * The segments of a spec path: `environments[1].host` → `environments`, 1, `host`.
 * The same form the spec's error messages use.
 */
export function specPathSegments(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) return [part];
    if (match[1]) segments.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

/**
 * The JSON Schema of one top-level or nested field, addressed by a spec path such as
 * `gateway.name` or `environments[0].host` (an index addresses the list's item schema).
 */
export function specFieldJsonSchema(path: string, schema: z.ZodType = serviceSpecSchema): JsonSchemaObject | undefined {
  let node: JsonSchemaObject | undefined = specJsonSchema(schema);
  for (const key of specPathSegments(path)) {
    if (typeof key === 'number') {
      node = node?.type === 'array' ? (node.items as JsonSchemaObject | undefined) : undefined;
    } else {
      const properties = node?.properties as Record<string, JsonSchemaObject> | undefined;
      node = properties && Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined;
    }
  }
  return node;
}
