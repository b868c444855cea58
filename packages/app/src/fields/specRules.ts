/**
 * Live checks of one template form field against its golden path's spec: the zod schema
 * (browser-safe, from `@slipway/skeletons/golden-paths`) that the scaffolder action and the
 * CLI validate the same values with, so the form shows the spec's own message ("must be a
 * DNS-1123 label: …"). An adopter's golden path, added on the backend, has no spec here:
 * its fields get the form's JSON Schema checks and the action's.
 */
import { specPathSegments } from '@slipway/common';
import { builtInGoldenPathSpec } from '@slipway/skeletons/golden-paths';

/** The parts of a zod 4 schema this file relies on: `safeParse` and `_zod.def`. */
interface SpecSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: { message: string }[] } };
  _zod: { def: { type: string; shape?: Record<string, SpecSchema>; innerType?: SpecSchema; element?: SpecSchema } };
}

/** Wrappers that only make a field optional or give it a default; the rules sit inside. */
const OPTIONAL_WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch']);

export interface SpecFieldRule {
  /** The schema of the field itself, without optional/default wrappers. */
  schema: SpecSchema;
  /** True when the spec lets the field be left out (optional or defaulted). */
  optional: boolean;
}

const cache = new Map<string, SpecFieldRule | undefined>();

/**
 * The rule of golden path `goldenPath`'s spec for a spec path such as `name` or
 * `environments[0].host` (an index addresses the list's items).
 */
export function specFieldRule(goldenPath: string, specPath: string): SpecFieldRule | undefined {
  const key = `${goldenPath}\0${specPath}`;
  if (cache.has(key)) return cache.get(key);
  let node: SpecSchema | undefined = builtInGoldenPathSpec(goldenPath) as unknown as SpecSchema | undefined;
  let optional = false;
  const unwrap = () => {
    while (node && OPTIONAL_WRAPPERS.has(node._zod.def.type)) {
      if (node._zod.def.type !== 'readonly') optional = true;
      node = node._zod.def.innerType;
    }
  };
  for (const key of specPathSegments(specPath)) {
    unwrap();
    if (typeof key === 'number') {
      node = node?._zod.def.type === 'array' ? node._zod.def.element : undefined;
      optional = false;
      continue;
    }
    const shape: Record<string, SpecSchema> | undefined = node?._zod.def.type === 'object' ? node._zod.def.shape : undefined;
    node = shape && Object.prototype.hasOwnProperty.call(shape, key) ? shape[key] : undefined;
    // Only the last segment decides optionality: parents with defaults still require a valid child.
    optional = false;
  }
  unwrap();
  const rule = node ? { schema: node, optional } : undefined;
  cache.set(key, rule);
  return rule;
}

/**
 * The spec's messages for a value of the field at `specPath`, or [] when it is valid.
 * An empty value is "is required" for fields the spec requires, and fine otherwise.
 * Unknown paths and golden paths give [] (the form's JSON Schema still applies).
 */
export function specFieldErrors(goldenPath: string, specPath: string, value: unknown): string[] {
  const rule = specFieldRule(goldenPath, specPath);
  if (!rule) return [];
  if (value === undefined || value === null || value === '') {
    return rule.optional ? [] : ['is required'];
  }
  const result = rule.schema.safeParse(value);
  if (result.success) return [];
  return [...new Set(result.error.issues.map(issue => issue.message))];
}
