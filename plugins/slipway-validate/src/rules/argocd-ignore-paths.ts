import type { KubernetesObject } from '../types';
import { apiGroup, asArray, asString, nameOf, recordsOf, type JsonRecord } from '../kube';

/**
 * Whether an Application's `ignoreDifferences` covers one concrete field of one object, as Argo CD
 * matches them (argo-cd docs/user-guide/diffing.md, "Application Level Configuration"): an entry
 * names `group` (empty for core), `kind`, optionally `name` and `namespace`, and `jsonPointers`
 * (RFC 6901), `jqPathExpressions` or `managedFieldsManagers`. A pointer or path covers the field
 * when it is the field or one of its parents. jq expressions are read as paths (`.a.b[].c`,
 * `.a[0]`, `.["k"]`, with `?`); a leading `select(...) |` filter is taken to apply. An expression
 * that is not a plain path is not taken to cover anything.
 */

/** One field path segment: a key, an array index, or `*` for jq's `[]` (every element). */
type Segment = string | number;

/** `/spec/rules/0/backendRefs/1/weight` → ['spec', 'rules', 0, 'backendRefs', 1, 'weight']. */
export function pointerSegments(pointer: string): Segment[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(part => (/^(0|[1-9]\d*)$/.test(part) ? Number(part) : part));
}

/** Parses a jq path expression into segments (`[]` is `*`), or undefined when it is not a plain path. */
export function jqSegments(expression: string): Segment[] | undefined {
  let rest = expression.trim();
  const select = /^select\((.*)\)\s*\|\s*/s.exec(rest);
  if (select) rest = rest.slice(select[0].length);
  if (rest === '.') return [];
  const out: Segment[] = [];
  let i = 0;
  const ident = /^[A-Za-z_][A-Za-z0-9_]*/;
  while (i < rest.length) {
    const tail = rest.slice(i);
    if (tail.startsWith('?')) { i += 1; continue; }
    if (tail.startsWith('[]')) { out.push('*'); i += 2; continue; }
    const index = /^\[(\d+)\]/.exec(tail);
    if (index) { out.push(Number(index[1])); i += index[0].length; continue; }
    const quoted = /^\.?\["((?:[^"\\]|\\.)*)"\]/.exec(tail);
    if (quoted) { out.push(quoted[1].replace(/\\(.)/g, '$1')); i += quoted[0].length; continue; }
    if (tail.startsWith('.')) {
      const name = ident.exec(tail.slice(1));
      if (!name) return undefined;
      out.push(name[0]);
      i += 1 + name[0].length;
      continue;
    }
    return undefined;
  }
  return out.length > 0 ? out : undefined;
}

function covers(prefix: Segment[], field: Segment[]): boolean {
  if (prefix.length > field.length) return false;
  return prefix.every((segment, index) => segment === '*' ? typeof field[index] === 'number' : segment === field[index]);
}

/** Whether an `ignoreDifferences` entry applies to the object (group, kind, name, namespace). */
function entryMatches(entry: JsonRecord, object: KubernetesObject): boolean {
  const kind = asString(entry.kind);
  if (kind !== object.kind && kind !== '*') return false;
  const group = asString(entry.group) ?? '';
  if (group !== '*' && group !== apiGroup(object.apiVersion ?? '')) return false;
  const name = asString(entry.name);
  if (name !== undefined && name !== nameOf(object)) return false;
  const namespace = asString(entry.namespace);
  return namespace === undefined || object.metadata?.namespace === undefined || namespace === object.metadata.namespace;
}

/** Whether `ignoreDifferences` covers `field` (segments, indexes as numbers) of `object`. */
export function ignoresField(application: KubernetesObject, object: KubernetesObject, field: Segment[]): boolean {
  const entries = recordsOf((application as { spec?: { ignoreDifferences?: unknown } }).spec?.ignoreDifferences);
  return entries.some(({ record }) => {
    if (!entryMatches(record, object)) return false;
    // A manager's fields are whatever it wrote: naming the controller's manager covers them.
    if (asArray(record.managedFieldsManagers).length > 0) return true;
    const paths = [
      ...asArray(record.jsonPointers).map(pointer => pointerSegments(String(pointer))),
      ...asArray(record.jqPathExpressions).map(expression => jqSegments(String(expression))),
    ];
    return paths.some(path => path !== undefined && covers(path, field));
  });
}

/** `['spec', 'rules', 0, 'weight']` → `/spec/rules/0/weight`. */
export function toPointer(field: Segment[]): string {
  return `/${field.map(segment => String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}
