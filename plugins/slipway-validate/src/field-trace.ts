import { PathSegment } from '@slipway/render';

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
  const { result, unknownFields } = traceReads(data, validate);
  return { result, unknownFields };
}

function traceReads<T>(data: object, validate: (traced: object) => T): { result: T; unknownFields: UnknownField[]; reads: WeakMap<object, KeyReads> } {
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
  return { result, unknownFields, reads };
}

/**
 * What the validator read at one place of an object (a path with list indices left out):
 * the keys, whether it listed them all, or `untraced` when it never looked into it.
 * `conflicting`: two clean validations disagreed, so that place is always traced.
 */
type LearnedPlace = { kind: 'read'; keys: ReadonlySet<string>; known: string[]; enumerated: boolean } | { kind: 'untraced' } | { kind: 'conflicting' };

const NO_KEYS: ReadonlySet<string> = new Set();

/** Places kept per schema: plenty for every built-in kind, bounded for free-form values (Helm values) with keys of their own. */
const MAX_LEARNED_PLACES = 5000;

/**
 * The tracing above, learnt once per schema. A generated AJV validator's reads depend on the
 * schema, not on the data: at every place it reads each declared property
 * (`data.replicas !== undefined`) whether or not the object has it, and lists the keys of
 * maps. So after one validation that found nothing wrong (every branch was taken: a failed
 * type check would have stopped it looking deeper), the keys read at each place are the keys
 * the schema declares there. Later objects whose every place has been seen are answered from
 * that, validated on the plain object without a proxy (which cost a fifth of validation); an
 * object with a place not seen yet (a field the first object lacked) is traced, and teaches.
 */
export class LearnedFieldReads {
  /**
   * The places as a tree (a node per key, one for a list's items): walking an object walks the
   * tree beside it, where a map of path strings built a new key for every value it looked up.
   */
  readonly #root: PlaceNode = {};
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /**
   * Validates `data` and finds its unknown fields, tracing only when a place is new. `isClean`: the
   * validation found nothing. `traceable`: the copy of `data` to trace, when `data` itself cannot
   * be (a proxy of a frozen object may not hand out wrappers of its values); an object answered
   * from what was learnt is validated as it is, without a copy.
   */
  check<T>(
    data: object,
    validate: (target: object) => T,
    isClean: (result: T) => boolean,
    traceable: (data: object) => object = same => same,
  ): { result: T; unknownFields: UnknownField[]; traced: boolean } {
    const unknownFields = this.#unknownFields(data);
    if (unknownFields) return { result: validate(data), unknownFields, traced: false };
    const copy = traceable(data);
    const traced = traceReads(copy, validate);
    if (isClean(traced.result)) this.#learn(copy, this.#root, traced.reads);
    return { result: traced.result, unknownFields: traced.unknownFields, traced: true };
  }

  #learn(node: unknown, place: PlaceNode, reads: WeakMap<object, KeyReads>): void {
    if (Array.isArray(node)) {
      const items = this.#child(place, undefined);
      if (items) for (const item of node) this.#learn(item, items, reads);
      return;
    }
    if (!isPlainRecord(node)) return;
    const record = reads.get(node);
    const seen = place.learned;
    // A map's keys are the data's (the validator lists them, then reads each): only that it is a map is learnt.
    const learned: LearnedPlace = !record
      ? { kind: 'untraced' }
      : record.enumerated
        ? { kind: 'read', keys: NO_KEYS, known: [], enumerated: true }
        : { kind: 'read', keys: record.keys, known: [...record.keys].sort(), enumerated: false };
    if (!seen) {
      if (this.#size < MAX_LEARNED_PLACES) {
        place.learned = learned;
        this.#size++;
      }
    } else if (!samePlace(seen, learned)) {
      place.learned = { kind: 'conflicting' };
    }
    for (const [key, value] of Object.entries(node)) {
      const child = this.#child(place, key);
      if (child) this.#learn(value, child, reads);
    }
  }

  /** The place under `place` at `key` (undefined: a list's items), made while places may still be added. */
  #child(place: PlaceNode, key: string | undefined): PlaceNode | undefined {
    if (key === undefined) return (place.items ??= this.#size < MAX_LEARNED_PLACES ? {} : undefined);
    let child = place.children?.get(key);
    if (!child && this.#size < MAX_LEARNED_PLACES) {
      child = {};
      (place.children ??= new Map()).set(key, child);
    }
    return child;
  }

  /** The unknown fields of `data` from what was learnt, or undefined when a place of it was never seen. */
  #unknownFields(data: object): UnknownField[] | undefined {
    const out: UnknownField[] = [];
    // One path, pushed and popped as the walk goes: copied only for an unknown field (it ran for every value).
    const path: PathSegment[] = [];
    const walk = (node: unknown, place: PlaceNode | undefined): boolean => {
      if (Array.isArray(node)) {
        const items = place?.items;
        for (let index = 0; index < node.length; index++) {
          path.push(index);
          const known = walk(node[index], items);
          path.pop();
          if (!known) return false;
        }
        return true;
      }
      if (!isPlainRecord(node)) return true;
      const learned = place?.learned;
      if (!learned || learned.kind === 'conflicting') return false;
      const checked = learned.kind === 'read' && !learned.enumerated && learned.keys.size > 0;
      const children = place!.children;
      for (const key of Object.keys(node)) {
        if (checked && !learned.keys.has(key)) out.push({ path: [...path, key], known: learned.known });
        path.push(key);
        const known = walk((node as Record<string, unknown>)[key], children?.get(key));
        path.pop();
        if (!known) return false;
      }
      return true;
    };
    return walk(data, this.#root) ? out : undefined;
  }
}

/** A place in the tree of places: what was learnt there (for an object), and the places below it. */
interface PlaceNode {
  learned?: LearnedPlace;
  children?: Map<string, PlaceNode>;
  /** A list's items. */
  items?: PlaceNode;
}

function samePlace(a: LearnedPlace, b: LearnedPlace): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'read' || b.kind !== 'read') return true;
  return a.enumerated === b.enumerated && a.keys.size === b.keys.size && [...a.keys].every(key => b.keys.has(key));
}
