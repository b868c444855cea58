import { parse } from 'yaml';
import type { KubernetesObject, LoadedObject, RepoModel, ValidationProblem } from '../types';
import {
  apiGroup,
  asArray,
  asRecord,
  asString,
  getPath,
  manifestDirs,
  objectProblem,
  objectSets,
  objectsOfKind,
  recordsOf,
  wellFormed,
  type JsonRecord,
  type ObjectSet,
} from '../kube';
import { atSource } from './source-location';
import { defineCheck } from './types';

/*
 * Argo Rollouts runs plugins only when its ConfigMap registers them. The controller reads
 * `argo-rollouts-config` from its own namespace (utils/defaults: DefaultRolloutsConfigMapName,
 * Namespace() = POD_NAMESPACE, else "argo-rollouts"), unmarshals data.trafficRouterPlugins,
 * metricProviderPlugins and stepPlugins as YAML lists of {name, location, sha256, args}
 * (utils/config/config.go InitializeConfig), and for a name it does not find fails the
 * reconcile with "plugin <name> not configured in configmap" (utils/plugin/plugin.go
 * GetPluginInfo): the canary never moves traffic. A missing ConfigMap is not an error at start
 * ("we create an empty config"), so nothing warns until the first Rollout.
 *
 * The Gateway API plugin then Gets and Updates the routes its config names
 * (rollouts-plugin-trafficrouter-gatewayapi pkg/plugin/httproute.go: httpRouteClient.Get,
 * .Update; label selectors List them, plugin.go), as the controller's ServiceAccount: its
 * installation guide grants get, list, update, patch on httproutes/grpcroutes
 * (gateway.networking.k8s.io) and tcproutes/tlsroutes (docs/installation.md, "Permissions").
 */

const RULE = 'rollouts-plugin-registered';
const CONFIG_MAP = 'argo-rollouts-config';
const CONTROLLER_NAMESPACE = 'argo-rollouts';
const CONTROLLER_SERVICE_ACCOUNT = 'argo-rollouts';
const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';
const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** utils/config/config.go: `^([a-zA-Z0-9\-]+)\/{1}([a-zA-Z0-9_\-.]+)$`, a GitHub owner/repo. */
const PLUGIN_NAME = /^([a-zA-Z0-9-]+)\/([a-zA-Z0-9_\-.]+)$/;
/** utils/plugin/downloader.go accepts http(s) URLs and file:// paths. */
const PLUGIN_LOCATION = /^(https?|file):\/\//;

type PluginKind = 'trafficRouterPlugins' | 'metricProviderPlugins' | 'stepPlugins';
const KIND_TEXT: Record<PluginKind, string> = {
  trafficRouterPlugins: 'traffic-router plugin',
  metricProviderPlugins: 'metric-provider plugin',
  stepPlugins: 'step plugin',
};

/** A plugin an object uses: where (for the message) and under which ConfigMap key it must be registered. */
interface PluginUse {
  loaded: LoadedObject;
  path: string;
  /** `path` as segments, to find the file that writes it. */
  fieldPath: Array<string | number>;
  kind: PluginKind;
  name: string;
  config: unknown;
}

function pluginUses(set: ObjectSet): PluginUse[] {
  const out: PluginUse[] = [];
  for (const loaded of objectsOfKind(set, 'Rollout')) {
    const canary = asRecord(getPath(loaded.object, 'spec', 'strategy', 'canary'));
    for (const [name, config] of Object.entries(asRecord(getPath(canary, 'trafficRouting', 'plugins')) ?? {})) {
      out.push({ loaded, path: `spec.strategy.canary.trafficRouting.plugins["${name}"]`, fieldPath: ['spec', 'strategy', 'canary', 'trafficRouting', 'plugins', name], kind: 'trafficRouterPlugins', name, config });
    }
    for (const { record: step, index } of recordsOf(canary?.steps)) {
      const name = asString(getPath(step, 'plugin', 'name'));
      if (name) out.push({ loaded, path: `spec.strategy.canary.steps[${index}].plugin.name`, fieldPath: ['spec', 'strategy', 'canary', 'steps', index, 'plugin', 'name'], kind: 'stepPlugins', name, config: undefined });
    }
  }
  for (const loaded of objectsOfKind(set, 'AnalysisTemplate', 'ClusterAnalysisTemplate')) {
    for (const { record: metric, index } of recordsOf(getPath(loaded.object, 'spec', 'metrics'))) {
      for (const name of Object.keys(asRecord(getPath(metric, 'provider', 'plugin')) ?? {})) {
        out.push({ loaded, path: `spec.metrics[${index}].provider.plugin["${name}"]`, fieldPath: ['spec', 'metrics', index, 'provider', 'plugin', name], kind: 'metricProviderPlugins', name, config: undefined });
      }
    }
  }
  return out;
}

/** Objects applied outside the service's deployment (deploy/platform and the like): raw objects no overlay builds. */
function clusterObjects(model: RepoModel): LoadedObject[] {
  const dirs = manifestDirs(model);
  return wellFormed(model.rawObjects).filter(loaded => !loaded.file.startsWith(dirs.base) && !loaded.file.startsWith(dirs.overlays));
}

interface Registration {
  loaded: LoadedObject;
  namespace: string;
  /** Per key: the plugin list, or the reason it cannot be read. */
  lists: Map<PluginKind, readonly JsonRecord[] | string>;
}

/** Registration lists by their text: the platform ConfigMap is the same in every repo, and reading its YAML was a tenth of the check units. */
const pluginLists = new Map<string, readonly JsonRecord[] | string>();

/** A data key's plugin list, or why it cannot be read. The lists are frozen: they are shared. */
function pluginList(text: string): readonly JsonRecord[] | string {
  const known = pluginLists.get(text);
  if (known !== undefined) return known;
  let list: readonly JsonRecord[] | string;
  try {
    const value: unknown = parse(text);
    if (value === null || value === undefined) list = [];
    else if (!Array.isArray(value)) list = 'is not a YAML list of {name, location}';
    else list = value.map(item => Object.freeze(asRecord(item) ?? {}));
  } catch {
    list = 'is not valid YAML';
  }
  if (typeof list !== 'string') Object.freeze(list);
  if (pluginLists.size >= 64) pluginLists.clear();
  pluginLists.set(text, list);
  return list;
}

function readRegistration(loaded: LoadedObject): Registration {
  const lists = new Map<PluginKind, readonly JsonRecord[] | string>();
  for (const kind of Object.keys(KIND_TEXT) as PluginKind[]) {
    const text = getPath(loaded.object, 'data', kind);
    if (text === undefined) continue;
    if (typeof text !== 'string') { lists.set(kind, 'is not a string'); continue; }
    lists.set(kind, pluginList(text));
  }
  return { loaded, namespace: loaded.object.metadata.namespace ?? CONTROLLER_NAMESPACE, lists };
}

/** Problems with the registration list itself: the controller refuses the whole ConfigMap or the entry. */
function registrationProblems(registration: Registration): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const [kind, list] of registration.lists) {
    if (typeof list === 'string') {
      out.push(objectProblem('reference', RULE, registration.loaded, `data.${kind}`,
        `${list}: the controller fails to load its configuration ("failed to unmarshal ... plugins while initializing") and runs no plugin`));
      continue;
    }
    list.forEach((entry, index) => {
      const name = asString(entry.name) ?? '';
      const location = asString(entry.location) ?? '';
      if (!PLUGIN_NAME.test(name)) {
        out.push(objectProblem('reference', RULE, registration.loaded, `data.${kind}[${index}].name`,
          `"${name}" is not a plugin name of the form <owner>/<repo>: the controller refuses it`));
      }
      if (!PLUGIN_LOCATION.test(location)) {
        out.push(objectProblem('reference', RULE, registration.loaded, `data.${kind}[${index}].location`,
          `"${location}" is not an http(s):// or file:// location: the controller cannot download or find the plugin binary`));
      }
    });
  }
  return out;
}

interface PolicyRule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames: string[] }

function policyRules(role: KubernetesObject | undefined): PolicyRule[] {
  return recordsOf(role?.rules).map(({ record }) => ({
    apiGroups: asArray(record.apiGroups).map(String),
    resources: asArray(record.resources).map(String),
    verbs: asArray(record.verbs).map(String),
    resourceNames: asArray(record.resourceNames).map(String),
  }));
}

const grants = (rules: PolicyRule[], group: string, resource: string, verb: string, name?: string) =>
  rules.some(rule =>
    (rule.apiGroups.includes(group) || rule.apiGroups.includes('*')) &&
    (rule.resources.includes(resource) || rule.resources.includes('*')) &&
    (rule.verbs.includes(verb) || rule.verbs.includes('*')) &&
    (rule.resourceNames.length === 0 || (name !== undefined && rule.resourceNames.includes(name))));

/**
 * The rules granted to the controller's ServiceAccount in `namespace`: ClusterRoleBindings
 * everywhere, RoleBindings (to a Role or ClusterRole) only in that namespace.
 */
function controllerRules(objects: LoadedObject[], controllerNamespace: string, namespace: string | undefined): PolicyRule[] {
  const find = (kind: string, name: string, inNamespace?: string) =>
    objects.find(loaded => loaded.object.kind === kind && loaded.object.metadata.name === name &&
      (inNamespace === undefined || (loaded.object.metadata.namespace ?? inNamespace) === inNamespace))?.object;
  const out: PolicyRule[] = [];
  for (const { object } of objects) {
    if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') continue;
    if (apiGroup(object.apiVersion) !== 'rbac.authorization.k8s.io') continue;
    const bound = recordsOf(object.subjects).some(({ record }) =>
      record.kind === 'ServiceAccount' && record.name === CONTROLLER_SERVICE_ACCOUNT &&
      (asString(record.namespace) ?? object.metadata.namespace) === controllerNamespace);
    if (!bound) continue;
    const roleKind = asString(getPath(object, 'roleRef', 'kind'));
    const roleName = asString(getPath(object, 'roleRef', 'name')) ?? '';
    if (object.kind === 'RoleBinding') {
      if (namespace === undefined || (object.metadata.namespace ?? namespace) !== namespace) continue;
      out.push(...policyRules(roleKind === 'Role' ? find('Role', roleName, namespace) : find('ClusterRole', roleName)));
    } else if (roleKind === 'ClusterRole') {
      out.push(...policyRules(find('ClusterRole', roleName)));
    }
  }
  return out;
}

/** The route resources the Gateway API plugin reads and updates, from its config in the Rollout. */
function gatewayApiRouteNeeds(config: unknown): Array<{ resource: string; verbs: string[]; names: string[] }> {
  const record = asRecord(config) ?? {};
  const routeKinds: Array<[string, string, string, string]> = [
    ['httproutes', 'httpRoute', 'httpRoutes', 'httpRouteSelector'],
    ['grpcroutes', 'grpcRoute', 'grpcRoutes', 'grpcRouteSelector'],
    ['tcproutes', 'tcpRoute', 'tcpRoutes', 'tcpRouteSelector'],
    ['tlsroutes', 'tlsRoute', 'tlsRoutes', 'tlsRouteSelector'],
  ];
  const out: Array<{ resource: string; verbs: string[]; names: string[] }> = [];
  for (const [resource, single, several, selector] of routeKinds) {
    const names = [asString(record[single]), ...recordsOf(record[several]).map(({ record: route }) => asString(route.name))]
      .filter((name): name is string => Boolean(name));
    if (record[selector] !== undefined) out.push({ resource, verbs: ['list', 'get', 'update'], names: [] });
    else if (names.length > 0) out.push({ resource, verbs: ['get', 'update'], names });
  }
  return out;
}

function checkUse(model: RepoModel, use: PluginUse, registrations: Registration[], rbacObjects: LoadedObject[]): ValidationProblem[] {
  const report = (text: string) => atSource(model, use.loaded, use.fieldPath, objectProblem('reference', RULE, use.loaded, use.path, text));
  const what = `the ${KIND_TEXT[use.kind]} "${use.name}"`;
  if (registrations.length === 0) {
    return [report(`no ConfigMap ${CONFIG_MAP} in the repo registers ${what} (data.${use.kind}): the controller fails the ` +
      `reconcile with "plugin ${use.name} not configured in configmap". Add it to deploy/platform (applied once per cluster).`)];
  }
  const registration = registrations.find(candidate => {
    const list = candidate.lists.get(use.kind);
    return Array.isArray(list) && list.some(entry => entry.name === use.name);
  });
  if (!registration) {
    const where = registrations.map(candidate => `${candidate.namespace}/${CONFIG_MAP}`).join(', ');
    return [report(`${where} does not register ${what} in data.${use.kind}: the controller fails the reconcile with ` +
      `"plugin ${use.name} not configured in configmap"`)];
  }
  if (use.name !== GATEWAY_API_PLUGIN) return [];
  // The plugin runs inside the controller, as its ServiceAccount.
  const rules = controllerRules(rbacObjects, registration.namespace, use.loaded.object.metadata.namespace);
  const out: ValidationProblem[] = [];
  for (const need of gatewayApiRouteNeeds(use.config)) {
    const targets = need.names.length > 0 ? need.names : [undefined];
    const missing = need.verbs.filter(verb => targets.some(name => !grants(rules, GATEWAY_API_GROUP, need.resource, verb, name)));
    if (missing.length === 0) continue;
    out.push(report(`no (Cluster)RoleBinding in the repo grants the ServiceAccount ${registration.namespace}/${CONTROLLER_SERVICE_ACCOUNT} ` +
      `${missing.join(', ')} on ${need.resource} (${GATEWAY_API_GROUP}), which the plugin needs to move the canary's weights: ` +
      'every weight change fails as forbidden'));
  }
  return out;
}

export const rolloutsPluginRegistered = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    'Every Argo Rollouts plugin a Rollout or AnalysisTemplate uses is registered in the controller\'s ConfigMap argo-rollouts-config (in its own namespace), and the Gateway API plugin\'s ServiceAccount may get and update the routes it moves: otherwise the controller answers "plugin ... not configured in configmap" and the canary never shifts traffic.',
  remediation:
    'Keep the cluster prerequisites in deploy/platform: argo-rollouts-config in namespace argo-rollouts with data.trafficRouterPlugins listing {name: argoproj-labs/gatewayAPI, location: <release URL>}, and a ClusterRole (get, list, update, patch on httproutes) bound to argo-rollouts/argo-rollouts.',
  source:
    'argoproj/argo-rollouts utils/plugin/plugin.go (GetPluginInfo: "plugin %s not configured in configmap"), utils/config/config.go; ' +
    'argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi docs/installation.md ("Permissions")',
  run(model) {
    const cluster = clusterObjects(model);
    const sets = objectSets(model);
    const out: ValidationProblem[] = [];
    const platformMaps = cluster.filter(loaded => loaded.object.kind === 'ConfigMap' && loaded.object.metadata.name === CONFIG_MAP);
    const registrations = platformMaps.map(readRegistration);
    out.push(...registrations.flatMap(registrationProblems));
    for (const set of sets) {
      // A copy in the service's own namespace is never read: the controller reads only its own namespace.
      for (const misplaced of objectsOfKind(set, 'ConfigMap').filter(loaded => loaded.object.metadata.name === CONFIG_MAP)) {
        const namespace = misplaced.object.metadata.namespace;
        if (namespace !== undefined && namespace !== CONTROLLER_NAMESPACE && !registrations.some(r => r.namespace === namespace)) {
          out.push(objectProblem('reference', RULE, misplaced, 'metadata.namespace',
            `is ${namespace}, the service's namespace: the controller reads ${CONFIG_MAP} only from its own namespace (${CONTROLLER_NAMESPACE}), ` +
            'so these plugins are not registered. Move it to deploy/platform.'));
        }
      }
      const rbacObjects = [...cluster, ...set.objects];
      for (const use of pluginUses(set)) out.push(...checkUse(model, use, registrations, rbacObjects));
    }
    return out;
  },
});
