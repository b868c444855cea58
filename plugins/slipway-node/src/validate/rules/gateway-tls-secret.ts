import type { LoadedObject, RepoModel, ValidationProblem } from '../types';
import {
  PLATFORM_DIR,
  apiGroup,
  asString,
  getPath,
  objectProblem,
  objectSets,
  recordsOf,
  sameNamespace,
  wellFormed,
  type ObjectSet,
} from '../kube';
import { knownSecrets, sourcesNear } from '../references/knownSecrets';
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
 */

const RULE = 'gateway-tls-secret';
const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const TLS_KEYS = ['tls.crt', 'tls.key'];

function isGateway(loaded: LoadedObject): boolean {
  return loaded.object.kind === 'Gateway' && apiGroup(loaded.object.apiVersion ?? '') === GATEWAY_GROUP;
}

function checkGateway(gateway: LoadedObject, set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  const known = knownSecrets(set);
  // What the repo provides in the Gateway's namespace, for "did you mean" and to tell a miss from silence.
  const nearby = [...known.entries()].filter(([, sources]) =>
    sources.some(source => sameNamespace(source.near, gateway.object) && TLS_KEYS.every(key => source.keys?.has(key))));
  recordsOf(getPath(gateway.object, 'spec', 'listeners')).forEach(({ record: listener, index }) => {
    const tls = getPath(listener, 'tls');
    if (tls === undefined || (asString(getPath(tls, 'mode')) ?? 'Terminate') !== 'Terminate') return;
    recordsOf(getPath(tls, 'certificateRefs')).forEach(({ record: ref, index: refIndex }) => {
      if ((asString(ref.group) ?? '') !== '' || (asString(ref.kind) ?? 'Secret') !== 'Secret') return;
      const namespace = asString(ref.namespace);
      // Another namespace needs a ReferenceGrant there, and its Secrets are not this repo's to know.
      if (namespace !== undefined && gateway.object.metadata.namespace !== undefined && namespace !== gateway.object.metadata.namespace) return;
      const name = asString(ref.name) ?? '';
      const field = `spec.listeners[${index}].tls.certificateRefs[${refIndex}].name`;
      const listenerName = asString(listener.name) ?? `#${index}`;
      const sources = sourcesNear(known, name, gateway.object);
      if (sources.length === 0) {
        if (nearby.length === 0) return;
        const offered = nearby.map(([secret, [source]]) => `${secret} (${source.origin})`).join(', ');
        out.push(objectProblem('reference', RULE, gateway, field,
          `Secret/${name} of listener "${listenerName}" is made by nothing in the repo, which makes the certificate Secrets ${offered} in this namespace: ` +
          'the listener would have no certificate (ResolvedRefs=False) and serve no TLS'));
        return;
      }
      const lacking = sources.filter(source => source.keys !== undefined && TLS_KEYS.some(key => !source.keys?.has(key)));
      if (lacking.length === sources.length) {
        out.push(objectProblem('reference', RULE, gateway, field,
          `Secret/${name} of listener "${listenerName}" (from ${lacking.map(source => source.origin).join(', ')}) has no ${TLS_KEYS.filter(key => lacking.every(source => !source.keys?.has(key))).join(' and ')}: ` +
          'a listener certificate is a kubernetes.io/tls Secret with tls.crt and tls.key'));
      }
    });
  });
  return out;
}

/** The platform's objects (deploy/platform), deployed once per cluster: a set of their own. */
function platformSet(model: RepoModel): ObjectSet {
  return { objects: wellFormed(model.rawObjects).filter(loaded => loaded.file.startsWith(PLATFORM_DIR)) };
}

export const gatewayTlsSecret = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    'A Gateway TLS listener (mode Terminate) names a certificate Secret the repo provides, when it provides any in that namespace: a Secret with tls.crt and tls.key, ' +
    'a cert-manager Certificate\'s spec.secretName, the gateway-shim\'s Secret for an annotated Gateway, or an ExternalSecret target. Otherwise the listener has no certificate and serves no TLS.',
  remediation:
    'Make the listener\'s certificateRefs[].name the Certificate\'s spec.secretName (or the Secret\'s name), or annotate the Gateway cert-manager.io/cluster-issuer so cert-manager writes that Secret.',
  source:
    'https://gateway-api.sigs.k8s.io/reference/spec/#gatewaytlsconfig (Terminate "requires certificateRefs"; references to "objects that contain TLS certificates and private keys"); ' +
    'https://cert-manager.io/docs/usage/certificate/ (spec.secretName); https://cert-manager.io/docs/usage/gateway/',
  run(model) {
    const out: ValidationProblem[] = [];
    for (const set of objectSets(model)) {
      for (const gateway of set.objects.filter(isGateway)) out.push(...checkGateway(gateway, set));
    }
    const platform = platformSet(model);
    for (const gateway of platform.objects.filter(isGateway)) out.push(...checkGateway(gateway, platform));
    return out;
  },
});

