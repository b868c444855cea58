import type { KubernetesObject, LoadedObject } from '../types';
import { asStringMap, nameOf, objectsOfKind, sameNamespace, type ObjectSet } from '../kube';
import { operatorSecrets } from '../operators';

/**
 * Custom resources another repo holds in this repo's namespace (a system's PostgreSQL that one
 * part runs for the others): an object here names each as `<group>/<Kind>/<name>` in this
 * annotation, comma-separated, e.g. `postgresql.cnpg.io/Cluster/bookstore-db`. What their
 * operators make there (CloudNativePG's `<cluster>-app`, readable only in the Cluster's
 * namespace) is then known beside the annotated object, with the keys the operator's data file
 * gives, as for a resource in the repo. The holder's repo is checked for the resource itself.
 */
export const HELD_ELSEWHERE_ANNOTATION = 'slipway.dev/held-elsewhere';

/** The resources the set's objects declare held elsewhere, as objects in the declaring object's namespace. */
function heldElsewhere(set: ObjectSet): LoadedObject[] {
  const out: LoadedObject[] = [];
  for (const loaded of set.objects) {
    const declared = loaded.object.metadata?.annotations?.[HELD_ELSEWHERE_ANNOTATION];
    if (typeof declared !== 'string') continue;
    for (const entry of declared.split(',').map(part => part.trim()).filter(Boolean)) {
      const match = /^([a-z0-9.-]+)\/([A-Za-z0-9]+)\/([a-z0-9][-a-z0-9.]*)$/.exec(entry);
      if (!match) continue;
      const [, group, kind, name] = match;
      const namespace = loaded.object.metadata?.namespace;
      out.push({
        ...loaded,
        object: { apiVersion: `${group}/v1`, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, spec: {} },
      });
    }
  }
  return out;
}

/**
 * Secrets and ConfigMaps a pod can rely on: those in the set, and those operators make from
 * custom resources in the set (validate/operators: CloudNativePG `<cluster>-app`, RabbitMQ
 * `<cluster>-default-user`, a Certificate's secretName, an ExternalSecret's target, a
 * SealedSecret). Keys are `undefined` when they cannot be known statically.
 */

export interface KnownSource {
  /** What makes it, for messages. */
  origin: string;
  keys?: Set<string>;
  near: KubernetesObject;
}

function keysOf(...maps: unknown[]): Set<string> | undefined {
  const keys = maps.flatMap(map => Object.keys(asStringMap(map)));
  return keys.length > 0 ? new Set(keys) : undefined;
}

export function knownSecrets(set: ObjectSet): Map<string, KnownSource[]> {
  const out = new Map<string, KnownSource[]>();
  const add = (name: string, source: KnownSource) => out.set(name, [...(out.get(name) ?? []), source]);
  for (const { object } of objectsOfKind(set, 'Secret')) {
    add(nameOf(object), { origin: `Secret/${nameOf(object)}`, keys: keysOf(object.data, object.stringData), near: object });
  }
  for (const secret of operatorSecrets(set)) add(secret.name, { origin: secret.origin, keys: secret.keys, near: secret.owner.object });
  const elsewhere = heldElsewhere(set);
  if (elsewhere.length > 0) {
    for (const secret of operatorSecrets({ environment: set.environment, objects: elsewhere })) {
      add(secret.name, { origin: `${secret.origin} (held elsewhere)`, keys: secret.keys, near: secret.owner.object });
    }
  }
  return out;
}

export function knownConfigMaps(set: ObjectSet): Map<string, KnownSource[]> {
  const out = new Map<string, KnownSource[]>();
  for (const { object } of objectsOfKind(set, 'ConfigMap')) {
    const name = nameOf(object);
    const source = { origin: `ConfigMap/${name}`, keys: keysOf(object.data, object.binaryData) ?? new Set<string>(), near: object };
    out.set(name, [...(out.get(name) ?? []), source]);
  }
  return out;
}

/** The sources of `name` in the namespace of `user`. */
export function sourcesNear(known: Map<string, KnownSource[]>, name: string, user: KubernetesObject): KnownSource[] {
  return (known.get(name) ?? []).filter(source => sameNamespace(source.near, user));
}
