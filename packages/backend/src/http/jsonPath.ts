/** One step into a JSON value: an object key or an array index. */
export type JsonPathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A JSON path as people read it in an error message, relative to the body:
 * `values.__proto__`, `directoryContents[2].path`, `values["ui:options"]`, or `(body)`.
 */
export function formatJsonPath(segments: readonly JsonPathSegment[]): string {
  if (segments.length === 0) return '(body)';
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
