import { formatJsonPath, JsonPathSegment } from './jsonPath';

/**
 * Keys that reach an object's prototype when a consumer copies or merges the value
 * (`target[key] = ...`, lodash merge, nunjucks lookups). JSON.parse itself creates them as
 * plain own properties, so they are visible here and refused wherever they appear.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F) other than tab, line feed
 * and carriage return. A NUL cannot go into a file name, a Git ref or a C string, and the
 * others have no business in a form value or a template.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

export interface JsonRuleViolation {
  path: string;
  rule: string;
}

interface Node {
  value: unknown;
  parent: Node | undefined;
  segment: JsonPathSegment | undefined;
}

/**
 * The first place where a parsed JSON value breaks a rule: a forbidden key, or a control
 * character in a key or a string. Depth first in document order (an object's keys are
 * checked before its values), with an explicit stack rather than recursion; a path is
 * built only for the violation it reports.
 */
export function findJsonRuleViolation(root: unknown): JsonRuleViolation | undefined {
  const pending: Node[] = [{ value: root, parent: undefined, segment: undefined }];
  while (pending.length) {
    const node = pending.pop()!;
    const { value } = node;
    if (typeof value === 'string') {
      const violation = controlCharacterRule(value, 'a string');
      if (violation) return { path: pathOf(node), rule: violation };
    } else if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) pending.push({ value: value[index], parent: node, segment: index });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (const key of keys) {
        const child = { value: undefined, parent: node, segment: key };
        if (FORBIDDEN_KEYS.has(key)) return { path: pathOf(child), rule: `the key "${key}" is not allowed anywhere in the body` };
        const violation = controlCharacterRule(key, 'a key');
        if (violation) return { path: pathOf(child), rule: violation };
      }
      for (let index = keys.length - 1; index >= 0; index--) {
        pending.push({ value: (value as Record<string, unknown>)[keys[index]], parent: node, segment: keys[index] });
      }
    }
  }
  return undefined;
}

function controlCharacterRule(text: string, what: string): string | undefined {
  const match = CONTROL_CHARACTER.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `${what} must not contain control characters (found U+${code} at character ${match.index}; only tab, line feed and carriage return are allowed)`;
}

function pathOf(node: Node): string {
  const segments: JsonPathSegment[] = [];
  for (let at: Node | undefined = node; at?.segment !== undefined; at = at.parent) segments.unshift(at.segment);
  return formatJsonPath(segments);
}
