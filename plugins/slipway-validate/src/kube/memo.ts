/**
 * A value derived from an object, computed once and kept on the object itself, in a
 * non-enumerable symbol property (spreads and JSON never see it), so it goes when the object
 * goes.
 *
 * Not a WeakMap: V8's young-generation collector treats a long-lived WeakMap's values as live
 * until a full collection, whether or not their keys still are. Measured on node-service
 * repos: per-repo caches in WeakMaps had every repo's parses and derived values copied by
 * each scavenge and then promoted (2 to 5 MB a collection, 3 to 10 ms a pause). An object
 * that cannot take a property (a frozen parse) falls back to a WeakMap.
 */
export function memoOn<K extends object, V>(description: string, compute: (key: K) => V): (key: K) => V {
  const slot = Symbol(description);
  const frozenKeys = new WeakMap<K, V>();
  return key => {
    const held = (key as { [slot]?: V })[slot];
    if (held !== undefined) return held;
    if (!Object.isExtensible(key)) {
      if (frozenKeys.has(key)) return frozenKeys.get(key) as V;
      const value = compute(key);
      frozenKeys.set(key, value);
      return value;
    }
    const value = compute(key);
    Object.defineProperty(key, slot, { value, enumerable: false, writable: true, configurable: true });
    return value;
  };
}

/** Like memoOn, but the caller decides when a kept value is stale (`fresh(value, key)` false: computed again). */
export function memoOnWhile<K extends object, V>(description: string, compute: (key: K) => V, fresh: (value: V, key: K) => boolean): (key: K) => V {
  const slot = Symbol(description);
  return key => {
    const holder = key as { [slot]?: V };
    const held = holder[slot];
    if (held !== undefined && fresh(held, key)) return held;
    const value = compute(key);
    if (Object.isExtensible(key)) Object.defineProperty(key, slot, { value, enumerable: false, writable: true, configurable: true });
    return value;
  };
}
