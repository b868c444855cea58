import { PathSegment } from './yaml-documents';

/**
 * Finds fields a schema does not know, using the schema's own validator.
 *
 * kubernetes-models ships its schemas as precompiled AJV code (and the CRD packages compile
 * theirs at runtime), without `additionalProperties: false`, so unknown fields pass and the raw
 * `properties` lists are not reachable as data. But an AJV validator reads every property its
 * schema declares (`data.replicas !== undefined`), and enumerates the keys of objects whose
 * schema allows arbitrary keys (maps such as labels). So we validate a proxy that records those
 * reads: a key the validator never read, in an object whose keys it did read one by one, is a
 * key the schema does not declare. Objects it never looked into (free-form fields such as
 * `x-kubernetes-preserve-unknown-fields`, or values that failed their type check) are skipped,
 * so this errs towards silence rather than false alarms.
 */

export interface UnknownField {
  /** Path of the unknown key itself, e.g. `['spec', 'replica']`. */
  path: PathSegment[];
  /** Keys the schema declares at that level, for "did you mean" hints. */
  known: string[];
}

interface KeyReads {
  keys: Set<string>;
  /** The validator listed all keys: the schema allows arbitrary ones here. */
  enumerated: boolean;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return isObject(value) && !Array.isArray(value);
}

function collectUnknown(node: unknown, path: PathSegment[], reads: WeakMap<object, KeyReads>, out: UnknownField[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => collectUnknown(item, [...path, index], reads, out));
    return;
  }
  if (!isPlainRecord(node)) return;
  const record = reads.get(node);
  const checked = record !== undefined && !record.enumerated && record.keys.size > 0;
  for (const [key, value] of Object.entries(node)) {
    if (checked && !record.keys.has(key)) out.push({ path: [...path, key], known: [...record.keys].sort() });
    collectUnknown(value, [...path, key], reads, out);
  }
}

/** Runs `validate` on a recording proxy of `data` and reports the keys it never read. */
export function traceUnknownFields<T>(data: object, validate: (traced: object) => T): { result: T; unknownFields: UnknownField[] } {
  const reads = new WeakMap<object, KeyReads>();
  const proxies = new WeakMap<object, object>();
  const wrap = (target: object): object => {
    const existing = proxies.get(target);
    if (existing) return existing;
    const record: KeyReads = { keys: new Set(), enumerated: false };
    reads.set(target, record);
    const proxy = new Proxy(target, {
      get(obj, key, receiver) {
        const value: unknown = Reflect.get(obj, key, receiver);
        if (typeof key !== 'string') return value;
        record.keys.add(key);
        return isObject(value) && Object.prototype.hasOwnProperty.call(obj, key) ? wrap(value) : value;
      },
      has(obj, key) {
        if (typeof key === 'string') record.keys.add(key);
        return Reflect.has(obj, key);
      },
      ownKeys(obj) {
        record.enumerated = true;
        return Reflect.ownKeys(obj);
      },
    });
    proxies.set(target, proxy);
    return proxy;
  };
  const result = validate(wrap(data));
  const unknownFields: UnknownField[] = [];
  collectUnknown(data, [], reads, unknownFields);
  return { result, unknownFields };
}
