import type { RepoModel, ValidationProblem } from '../types';
import { knownNamespaces } from '../policy/clusterDns';
import { proxiedAddresses } from '../nginx/config';
import { defineCheck } from './types';

/*
 * nginx resolves a proxy_pass whose address holds a variable at request time, through its own
 * resolver: "Parameter value can contain variables. In this case, if an address is specified as
 * a domain name, the name is searched among the described server groups, and, if not found, is
 * determined using a resolver" (ngx_http_proxy_module, proxy_pass). That resolver is not the
 * system's: it asks the servers the `resolver` directive names ("NGINX does not refer to
 * /etc/resolv.conf", nginx.com, "DNS for Service Discovery with NGINX") and puts the name into
 * the query as written (src/core/ngx_resolver.c ngx_resolver_create_name_query: the question is
 * `name` alone, no search list). So the pod's search domains (<ns>.svc.cluster.local,
 * svc.cluster.local, cluster.local) never apply: `catalog-api`, `catalog-api.bookstore` and
 * `catalog-api.bookstore.svc` are NXDOMAIN even from the backend's own namespace, and every
 * proxied request answers 502 ("could not be resolved"), while nginx starts fine. A literal name
 * is resolved once at start by the system resolver, which does apply them; this rule is about
 * the names nginx resolves itself. test/static-frontend-app.e2e.test.ts shows it with Debian's
 * nginx: with the short name, the DNS server is asked for exactly `catalog-api` and /api answers 502.
 */

const RULE = 'nginx-resolver-fqdn';
const CLUSTER_SUFFIX = '.svc.cluster.local';
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Why nginx's resolver cannot find `host`, or undefined when it can (or it is not a DNS name). */
export function resolverFault(host: string, namespaces: ReadonlySet<string>): string | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (!name || name === 'localhost' || IPV4.test(name) || name.includes(':')) return undefined;
  if (name.endsWith(CLUSTER_SUFFIX)) return undefined;
  const write = `write <service>.<namespace>${CLUSTER_SUFFIX}`;
  if (name.endsWith('.svc') || name.endsWith('.svc.cluster')) return `"${host}" is a partial cluster name, which nginx's resolver sends as written: ${write}`;
  const labels = name.split('.');
  if (labels.length === 1) return `"${host}" is a bare name: nginx's resolver applies no search domains, so it is NXDOMAIN even in the Service's own namespace: ${write}`;
  if (labels.length === 2 && namespaces.has(labels[1])) {
    return `"${host}" is the short <service>.<namespace> form, which nginx's resolver sends as written (no search domains): write ${name}${CLUSTER_SUFFIX}`;
  }
  return undefined;
}

function checkFile(file: string, text: string, namespaces: ReadonlySet<string>): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  // A literal address is resolved once at start by the system resolver (search domains apply).
  for (const pass of proxiedAddresses(text).filter(entry => entry.runtime)) {
    for (const host of new Set(pass.targets.map(target => target.host))) {
      const fault = resolverFault(host, namespaces);
      if (!fault) continue;
      out.push({
        check: 'policy',
        rule: RULE,
        file,
        line: pass.line,
        message: `${file}:${pass.line} ${pass.directive} ${pass.address}: ${fault}; every request through it would answer 502 (could not be resolved)`,
      });
    }
  }
  return out;
}

/** nginx configuration files of the repo: `*.conf` (and `*.conf.template`, the image's envsubst form) that pass requests on. */
function nginxConfigs(model: RepoModel): Array<[string, string]> {
  return [...model.files].filter(([file, text]) => /\.conf(\.template)?$/.test(file) && /\b(proxy_pass|grpc_pass)\b/.test(text));
}

export const nginxResolverFqdn = defineCheck({
  id: RULE,
  check: 'policy',
  summary:
    'Every backend nginx resolves at request time (proxy_pass or grpc_pass with a variable, through its `resolver`) is an IP address or a fully qualified name such as ' +
    '<service>.<namespace>.svc.cluster.local: nginx\'s resolver applies no search domains, so a short Service name is NXDOMAIN and every proxied request answers 502.',
  remediation: 'Write the backend as <service>.<namespace>.svc.cluster.local (with its port) where the variable is set, or name an upstream block.',
  source:
    'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass ("if not found, is determined using a resolver"); ' +
    'nginx src/core/ngx_resolver.c ngx_resolver_create_name_query (the query holds the name as written); ' +
    'https://www.nginx.com/blog/dns-service-discovery-nginx-plus/ ("NGINX does not refer to /etc/resolv.conf")',
  run(model) {
    const configs = nginxConfigs(model);
    if (configs.length === 0) return [];
    const namespaces = knownNamespaces(model);
    return configs.flatMap(([file, text]) => checkFile(file, text, namespaces));
  },
});
