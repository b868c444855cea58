import type { KubernetesObject } from '../types';
import { asStringMap, nameOf, objectsOfKind, sameNamespace, type ObjectSet } from '../kube';
import { operatorSecrets } from '../operators';

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
