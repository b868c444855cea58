import { defineRules } from './types';

/** Entry points that route nothing. */
export const routingRules = defineRules([
  {
    id: 'ingress-rules',
    check: 'policy',
    summary: 'Every Ingress has rules, and each rule a host: an Ingress without them routes nothing (or everything to one backend).',
    remediation: 'Add spec.rules with a host per rule naming the service\'s public host.',
    source: 'https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules',
  },
  {
    id: 'httproute-hostnames',
    check: 'policy',
    summary: 'Every HTTPRoute names its hostnames: without them it takes every host its Gateway listener accepts.',
    remediation: 'List the service\'s host(s) in spec.hostnames.',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/#httproutespec',
  },
  {
    id: 'httproute-backends',
    check: 'policy',
    summary: 'Every HTTPRoute has rules, and every rule backendRefs (or a redirect): a rule without backends answers every request with a 500.',
    remediation: 'Name the backend Services in each rule\'s backendRefs, or give the rule a RequestRedirect filter.',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule',
  },
]);
