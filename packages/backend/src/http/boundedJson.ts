import { formatJsonPath, JsonPathSegment } from './jsonPath';

export type BoundedJsonResult = { ok: true; value: unknown } | { ok: false; path: string; rule: string };

interface Container {
  kind: 'object' | 'array';
  /** Where the next child goes: the last key read (objects) or the index (arrays). */
  position: JsonPathSegment | undefined;
  /** Objects only: whether the next string is a key. */
  expectingKey: boolean;
}

/**
 * JSON.parse with a nesting limit. A linear scan over the text counts the open `{`/`[`
 * first, with an explicit stack and no recursion, so a body nested 100,000 levels deep is
 * refused before any object is built, and nothing downstream (JSON.stringify, jsonschema,
 * the task's template rendering, all recursive) ever sees it. Depth counts containers:
 * `{}` is 1, `{"a":[1]}` is 2. The refusal names the path of the first container that is
 * one level too deep. Syntax is left to JSON.parse, which runs only on text within the limit.
 */
export function parseBoundedJson(text: string, maxDepth: number): BoundedJsonResult {
  const stack: Container[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectingKey) {
        top.position = decodeKey(text.slice(start, i + 1));
        top.expectingKey = false;
      }
    } else if (char === '{' || char === '[') {
      if (stack.length + 1 > maxDepth) {
        const path = formatJsonPath(stack.map(container => container.position ?? ''));
        return { ok: false, path, rule: `JSON must not nest deeper than ${maxDepth} levels` };
      }
      stack.push(char === '{' ? { kind: 'object', position: undefined, expectingKey: true } : { kind: 'array', position: 0, expectingKey: false });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.position = (top.position as number) + 1;
      else if (top) top.expectingKey = true;
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, path: '(body)', rule: `the body is not valid JSON (${(error as Error).message})` };
  }
}

/** A key token as JSON reads it (escapes decoded); the raw token if it does not decode. */
function decodeKey(token: string): string {
  try {
    const key: unknown = JSON.parse(token);
    return typeof key === 'string' ? key : token;
  } catch {
    return token;
  }
}
