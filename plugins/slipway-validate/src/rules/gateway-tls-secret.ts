import type { KubernetesObject, LoadedObject, RepoModel, ValidationProblem } from '../types';
import {
  manifestDirs,
  apiGroup,
  asString,
  getPath,
  objectProblem,
  objectSets,
  objectsOfKind,
  recordsOf,
  sameNamespace,
  wellFormed,
  type ObjectSet,
} from '../kube';
import { knownSecrets, sourcesNear, type KnownSource } from '../references/knownSecrets';
import { defineCheck } from './types';

/*
 * A TLS listener serves only with its certificate. Gateway API GatewayTLSConfig: mode Terminate
 * (the default) "requires certificateRefs to be set and contain at least one element"; a
 * certificateRef is a SecretObjectReference (group "" and kind Secret by default) to an object
 * "that contains TLS certificates and private keys", i.e. a kubernetes.io/tls Secret with
 * tls.crt and tls.key; a missing one makes the listener ResolvedRefs=False (InvalidCertificateRef)
 * and it serves nothing. The Secret comes from Git or from an operator (validate/operators: a
 * cert-manager Certificate's spec.secretName, cert-manager's gateway-shim for an annotated
 * Gateway, an ExternalSecret's target).
 *
 * Platform teams often provide the certificate outside the repo, so a reference the repo says
 * nothing about is not reported: only one the repo tries to provide in that namespace and
 * misses (a Certificate whose secretName differs), or one whose provider lacks the keys.
 *
 * A certificateRef may name a Secret in another namespace: "a reference to a resource in a
 * different namespace is invalid UNLESS there is a ReferenceGrant in the target namespace that
 * allows the certificate to be attached" (GatewayTLSConfig.certificateRefs), otherwise the
 * listener's ResolvedRefs is False with reason RefNotPermitted. When that namespace is one the
 * repo's overlays deploy to (each public host's Certificate beside its HTTPRoute, as node-service
 * and static-frontend render it: skeletons/_shared/tls-certificate.hbs), the
 * repo is the provider: the Secret must be one its overlay makes there, and a ReferenceGrant
 * there must admit Gateways of the listener's namespace to it (`to.name` unset: every Secret).
 */

const RULE = 'gateway-tls-secret';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const TLS_KEYS = ['tls.crt', 'tls.key'];

function isGateway(loaded: LoadedObject): boolean {
  return loaded.object.kind === 'Gateway' && apiGroup(loaded.object.apiVersion ?? '') === GATEWAY_GROUP;
}

/** Where one certificateRef's Secret is looked for: the objects that may provide it, and the namespace they are in. */
interface SecretScope {
  known: Map<string, KnownSource[]>;
  /** A stand-in for objects of that namespace, for sourcesNear. */
  near: KubernetesObject;
  /** Said in messages: `this namespace`, or `namespace <name>`. */
  where: string;
}

function checkRef(gateway: LoadedObject, scope: SecretScope, name: string, field: string, listenerName: string): ValidationProblem[] {
  // What the repo provides in that namespace, for "did you mean" and to tell a miss from silence.
  const nearby = [...scope.known.entries()].filter(([, sources]) =>
    sources.some(source => sameNamespace(source.near, scope.near) && TLS_KEYS.every(key => source.keys?.has(key))));
  const sources = sourcesNear(scope.known, name, scope.near);
  if (sources.length === 0) {
    if (nearby.length === 0) return [];
    const offered = nearby.map(([secret, [source]]) => `${secret} (${source.origin})`).join(', ');
    return [objectProblem('reference', RULE, gateway, field,
      `Secret/${name} of listener "${listenerName}" is made by nothing in the repo, which makes the certificate Secrets ${offered} in ${scope.where}: ` +
      'the listener would have no certificate (ResolvedRefs=False) and serve no TLS')];
  }
  const lacking = sources.filter(source => source.keys !== undefined && TLS_KEYS.some(key => !source.keys?.has(key)));
  if (lacking.length < sources.length) return [];
  return [objectProblem('reference', RULE, gateway, field,
    `Secret/${name} of listener "${listenerName}" (from ${lacking.map(source => source.origin).join(', ')}) has no ${TLS_KEYS.filter(key => lacking.every(source => !source.keys?.has(key))).join(' and ')}: ` +
    'a listener certificate is a kubernetes.io/tls Secret with tls.crt and tls.key')];
}

/** True when a ReferenceGrant of `grants` lets Gateways of `fromNamespace` read Secret `name`. */
function grantsSecret(grants: readonly LoadedObject[], fromNamespace: string | undefined, name: string): boolean {
  return grants.some(({ object }) => {
    const from = recordsOf(getPath(object, 'spec', 'from')).some(({ record }) =>
      asString(record.group) === GATEWAY_GROUP && asString(record.kind) === 'Gateway' && (fromNamespace === undefined || asString(record.namespace) === fromNamespace));
    const to = recordsOf(getPath(object, 'spec', 'to')).some(({ record }) =>
      (asString(record.group) ?? '') === '' && asString(record.kind) === 'Secret' && (asString(record.name) === undefined || asString(record.name) === name));
    return from && to;
  });
}

/** The overlays that deploy objects into `namespace`, where a cross-namespace certificateRef's Secret and grant must then come from. */
function setsDeployingTo(model: RepoModel, namespace: string): ObjectSet[] {
  if (model.environments.size === 0) return [];
  return objectSets(model).filter(set => set.objects.some(loaded => loaded.object.metadata?.namespace === namespace));
}

function checkGateway(gateway: LoadedObject, set: ObjectSet, model: RepoModel): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const local: SecretScope = { known: knownSecrets(set), near: gateway.object, where: 'this namespace' };
  recordsOf(getPath(gateway.object, 'spec', 'listeners')).forEach(({ record: listener, index }) => {
    const tls = getPath(listener, 'tls');
    if (tls === undefined || (asString(getPath(tls, 'mode')) ?? 'Terminate') !== 'Terminate') return;
    recordsOf(getPath(tls, 'certificateRefs')).forEach(({ record: ref, index: refIndex }) => {
      if ((asString(ref.group) ?? '') !== '' || (asString(ref.kind) ?? 'Secret') !== 'Secret') return;
      const name = asString(ref.name) ?? '';
      const field = `spec.listeners[${index}].tls.certificateRefs[${refIndex}]`;
      const listenerName = asString(listener.name) ?? `#${index}`;
      const namespace = asString(ref.namespace);
      const gatewayNamespace = gateway.object.metadata.namespace;
      if (namespace === undefined || gatewayNamespace === undefined || namespace === gatewayNamespace) {
        out.push(...checkRef(gateway, local, name, `${field}.name`, listenerName));
        return;
      }
      // Another namespace: the repo's to know only when its overlays deploy there.
      for (const deploying of setsDeployingTo(model, namespace)) {
        const near: KubernetesObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace } };
        const where = `namespace ${namespace}${deploying.environment ? ` (overlay ${deploying.environment})` : ''}`;
        out.push(...checkRef(gateway, { known: knownSecrets(deploying), near, where }, name, `${field}.name`, listenerName));
        const grants = objectsOfKind(deploying, 'ReferenceGrant').filter(grant => grant.object.metadata?.namespace === namespace);
        if (!grantsSecret(grants, gatewayNamespace, name)) {
          out.push(objectProblem('reference', RULE, gateway, `${field}.namespace`,
            `Secret/${name} of listener "${listenerName}" is in ${where}, where no ReferenceGrant lets Gateways of ${gatewayNamespace} read it: ` +
            'the reference is not permitted (ResolvedRefs=False, RefNotPermitted) and the listener serves no TLS'));
        }
      }
    });
  });
  return out;
}

/** The platform's objects (deploy/platform), deployed once per cluster: a set of their own. */
function platformSet(model: RepoModel): ObjectSet {
  const platform = manifestDirs(model).platform;
  return { objects: wellFormed(model.rawObjects).filter(loaded => loaded.file.startsWith(platform)) };
}

export const gatewayTlsSecret = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    'A Gateway TLS listener (mode Terminate) names a certificate Secret the repo provides, when it provides any in that namespace: a Secret with tls.crt and tls.key, ' +
    'a cert-manager Certificate\'s spec.secretName, the gateway-shim\'s Secret for an annotated Gateway, or an ExternalSecret target; a Secret in a namespace the repo\'s overlays deploy to ' +
    'must be made there, with a ReferenceGrant there admitting the Gateway. Otherwise the listener has no certificate and serves no TLS.',
  remediation:
    'Make the listener\'s certificateRefs[].name the Certificate\'s spec.secretName (or the Secret\'s name), or annotate the Gateway cert-manager.io/cluster-issuer so cert-manager writes that Secret; ' +
    'for a Secret in another namespace, add a ReferenceGrant there from group gateway.networking.k8s.io kind Gateway (the Gateway\'s namespace) to kind Secret.',
  source:
    'https://gateway-api.sigs.k8s.io/reference/spec/#gatewaytlsconfig (Terminate "requires certificateRefs"; references to "objects that contain TLS certificates and private keys"); ' +
    'https://cert-manager.io/docs/usage/certificate/ (spec.secretName); https://cert-manager.io/docs/usage/gateway/; ' +
    'https://gateway-api.sigs.k8s.io/api-types/referencegrant/ (a cross-namespace reference is invalid unless a ReferenceGrant in the target namespace allows it)',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      for (const gateway of set.objects.filter(isGateway)) out.push(...checkGateway(gateway, set, model));
    }
    const platform = platformSet(model);
    for (const gateway of platform.objects.filter(isGateway)) out.push(...checkGateway(gateway, platform, model));
    return out;
  },
});

