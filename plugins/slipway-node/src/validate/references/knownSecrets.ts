import type { KubernetesObject } from '../types';
import { asString, asStringMap, getPath, isCloudNativePgCluster, nameOf, objectsOfKind, recordsOf, sameNamespace, type ObjectSet } from '../kube';

/**
 * Secrets and ConfigMaps a pod can rely on: those in the set, and those operators make
 * from objects in the set. Keys are `undefined` when they cannot be known statically.
 */

export interface KnownSource {
  /** What makes it, for messages. */
  origin: string;
  keys?: Set<string>;
  near: KubernetesObject;
}

/** Keys CloudNativePG writes into `<cluster>-app` and `<cluster>-superuser`. */
export const CNPG_CREDENTIAL_KEYS = [
  'username', 'user', 'password', 'host', 'hostname', 'port', 'dbname', 'uri', 'jdbc-uri', 'pgpass', 'fqdn-uri', 'fqdn-jdbc-uri',
];
/** `<cluster>-ca` holds ca.crt/ca.key; `-server` and `-replication` hold tls.crt/tls.key. */
const TLS_KEYS = ['tls.crt', 'tls.key', 'ca.crt', 'ca.key'];

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
  for (const { object } of objectsOfKind(set, 'Cluster')) {
    if (!isCloudNativePgCluster(object)) continue;
    const cluster = nameOf(object);
    const origin = `CloudNativePG Cluster/${cluster}`;
    for (const suffix of ['app', 'superuser']) add(`${cluster}-${suffix}`, { origin, keys: new Set(CNPG_CREDENTIAL_KEYS), near: object });
    for (const suffix of ['ca', 'server', 'replication']) add(`${cluster}-${suffix}`, { origin, keys: new Set(TLS_KEYS), near: object });
  }
  for (const { object } of objectsOfKind(set, 'ExternalSecret')) {
    const name = asString(getPath(object, 'spec', 'target', 'name')) ?? nameOf(object);
    const data = recordsOf(getPath(object, 'spec', 'data')).map(({ record }) => asString(record.secretKey)).filter((key): key is string => !!key);
    // dataFrom pulls whole remote maps: keys unknown until run time.
    const keys = getPath(object, 'spec', 'dataFrom') === undefined && data.length > 0 ? new Set(data) : undefined;
    add(name, { origin: `ExternalSecret/${nameOf(object)}`, keys, near: object });
  }
  for (const { object } of objectsOfKind(set, 'SealedSecret')) {
    const name = asString(getPath(object, 'spec', 'template', 'metadata', 'name')) ?? nameOf(object);
    add(name, { origin: `SealedSecret/${nameOf(object)}`, keys: keysOf(getPath(object, 'spec', 'encryptedData')), near: object });
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
