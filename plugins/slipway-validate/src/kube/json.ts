/**
 * Safe readers for parsed YAML/JSON. Manifests are untrusted input: any field may be
 * missing or of the wrong type, and the checks must never throw on them.
 */

export type JsonRecord = Record<string, unknown>;

export function asRecord(value: unknown): JsonRecord | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonRecord) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Array elements that are objects, with their index in the original array (for field paths). */
export function recordsOf(value: unknown): Array<{ record: JsonRecord; index: number }> {
  const out: Array<{ record: JsonRecord; index: number }> = [];
  asArray(value).forEach((item, index) => {
    const record = asRecord(item);
    if (record) out.push({ record, index });
  });
  return out;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A number, or a string holding an integer (YAML authors quote numbers often). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value);
  return undefined;
}

/** Walks `keys` from `value`; undefined as soon as a step is not an object. */
export function getPath(value: unknown, ...keys: string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    const record = asRecord(current);
    if (!record) return undefined;
    current = record[key];
  }
  return current;
}

/** A string→string map (labels, selectors, ConfigMap data); non-string values are dropped. */
export function asStringMap(value: unknown): Record<string, string> {
  const record = asRecord(value);
  const out: Record<string, string> = {};
  if (!record) return out;
  for (const [key, item] of Object.entries(record)) {
    if (typeof item === 'string') out[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
  }
  return out;
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  const record = asRecord(value);
  return record ? Object.keys(record).length === 0 : false;
}
