import { constructFromEvents, EVENT_ID, parseEvents } from 'js-yaml';

/**
 * The fast way to read a YAML file that is well-formed and plain: js-yaml 5 builds the
 * values straight from its event stream, about eight times faster than the `yaml`
 * library's documents (1.8 ms against 14 ms for a generated repo's 74 KB of YAML, which
 * was most of the render + validate time). The `yaml` library stays the reference: it
 * reports every syntax problem with its line, and it answers `lineOf` when a problem
 * needs a line. So this path only has to be *equal* where it answers, and say "not me"
 * otherwise:
 *  - js-yaml 5's CORE_SCHEMA resolves plain scalars as YAML 1.2's core schema does, which
 *    is the `yaml` library's default (`0777` is 777, `0o17` is 15, `yes` and `1:30` are
 *    strings; test/yaml-fast.test.ts compares both on every generated file and on edge cases);
 *  - a `%YAML`/`%TAG` directive can switch the `yaml` library to YAML 1.1: not here;
 *  - aliases are refused (`maxAliases: 0`), so an alias bomb never expands here; the `yaml`
 *    library's `maxAliasCount` guards the slow path;
 *  - anything js-yaml refuses (duplicate keys, complex or collection keys, unknown tags,
 *    bad indentation, nesting deeper than 100) goes to the slow path, which reports it;
 *  - a null key (`null:`/`~:`) becomes "" in the `yaml` library and "null" in js-yaml: a
 *    key "null" sends the file to the slow path.
 */
export interface FastDocument {
  value: unknown;
  /** Offset of the document's root node, or undefined for an empty document. */
  rootOffset: number | undefined;
}

type ParserEvent = ReturnType<typeof parseEvents>[number];

function nodeOffset(event: ParserEvent | undefined): number | undefined {
  if (!event) return undefined;
  const record = event as unknown as Record<string, unknown>;
  if (event.type === EVENT_ID.SCALAR && typeof record.valueStart === 'number') return record.valueStart;
  if ((event.type === EVENT_ID.MAPPING || event.type === EVENT_ID.SEQUENCE) && typeof record.start === 'number') return record.start;
  return undefined;
}

function hasNullKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNullKey);
  if (value === null || typeof value !== 'object') return false;
  for (const [key, child] of Object.entries(value)) {
    if (key === 'null' || hasNullKey(child)) return true;
  }
  return false;
}

/** The documents of `content`, or undefined when the `yaml` library must read it (see above). */
export function parseYamlFast(content: string): FastDocument[] | undefined {
  if (/^%/m.test(content)) return undefined;
  let events: ParserEvent[];
  let values: unknown[];
  try {
    events = parseEvents(content, {});
    values = constructFromEvents(events, { source: content, maxAliases: 0 });
  } catch {
    return undefined;
  }
  const offsets: Array<number | undefined> = [];
  events.forEach((event, index) => {
    if (event.type === EVENT_ID.DOCUMENT) offsets.push(nodeOffset(events[index + 1]));
  });
  if (offsets.length !== values.length || values.some(hasNullKey)) return undefined;
  return values.map((value, index) => ({ value, rootOffset: offsets[index] }));
}

/** Offsets where each line starts, for `lineAt`. */
export function lineStarts(content: string): number[] {
  const starts = [0];
  for (let index = content.indexOf('\n'); index !== -1; index = content.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

/** 1-based line of an offset. */
export function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}
