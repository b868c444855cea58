import type { ResolvedSystem } from '@slipway/common';
import type { LoadedObject, RepoModel, ValidationProblem } from '../types';
import { matchesLabelSelector, objectProblem, objectSets, type PodPort } from '../kube';
import {
  admittedPorts,
  describePods,
  describePort,
  networkView,
  ruleSelectsPeer,
  rulesApplying,
  sideAllows,
  type Endpoint,
  type NetworkView,
  type PolicyRule,
} from '../networkAllows';
import { defineCheck } from './types';

/*
 * A connection between two pods needs both ends: "For a connection from a source pod to a
 * destination pod to be allowed, both the egress policy on the source pod and the ingress
 * policy on the destination pod need to allow the connection. If either side does not allow the
 * connection, it will not happen" (Kubernetes docs, Network Policies, "The two sorts of pod
 * isolation"). Behind a default deny at both ends, an allow written at one end only is a
 * connection that silently never happens, and an allow at both ends that no edge of the system
 * declares is a path nobody asked for.
 *
 * Judged on the rendered objects, never on the spec: every policy's podSelector, its peers'
 * namespaceSelector (against kubernetes.io/metadata.name, which the API server sets on every
 * namespace) and podSelector, and its ports are evaluated against the pods the workloads (and
 * operators) of the repos make. A system is a set of repos: checkPolicyPairs judges the
 * connections between them, per environment; the unit judges those inside one repo (a service and
 * its database, a worker and its broker). A rule is paired when at least one pod it lets through
 * is let through at the other end: an egress rule wider than the pods that admit it (all of a
 * component's pods, where only its server listens) is not a broken edge.
 */

const RULE = 'network-policy-pairs';
const SOURCE = 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation';

/** One end of a declared connection: the part's pods in its namespace. */
export interface ConnectionEnd {
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
}

/** A connection a system's edge declares in one environment: from the client's pods to the server's, on the server's pod ports. */
export interface DeclaredConnection {
  /** The edge's id, e.g. `calls:storefront->catalog`. */
  edge: string;
  environment: string;
  from: ConnectionEnd;
  to: ConnectionEnd;
  ports: Array<{ port: number; protocol: string }>;
}

/** One repo of a system: its part's name and its model (with its overlays built). */
export interface SystemRepo {
  name: string;
  model: RepoModel;
}

/** A problem of a system, with the repo whose object it is on. */
export type SystemProblem = ValidationProblem & { repo: string };

/** Every connection the system's edges declare, per environment, as resolveSystem derived them (each edge's egress rule). */
export function systemConnections(system: ResolvedSystem): DeclaredConnection[] {
  return system.environments.flatMap(environment =>
    Object.values(environment.endpoints).flatMap(endpoint =>
      endpoint.egress.map(rule => ({
        edge: rule.edge,
        environment: environment.name,
        from: { name: endpoint.name, namespace: endpoint.namespace, podLabels: rule.pods },
        to: { name: rule.peer.name, namespace: rule.peer.namespace, podLabels: rule.peer.podLabels },
        ports: rule.ports,
      })),
    ),
  );
}

const endMatches = (end: ConnectionEnd, endpoint: Endpoint) =>
  end.namespace === endpoint.namespace && matchesLabelSelector({ matchLabels: end.podLabels }, endpoint.pods.labels);

/** The declared connection from `source` to `destination` on `port`, if any. */
function declaredFor(connections: readonly DeclaredConnection[], source: Endpoint, destination: Endpoint, port: PodPort): DeclaredConnection | undefined {
  return connections.find(
    connection =>
      endMatches(connection.from, source) &&
      endMatches(connection.to, destination) &&
      connection.ports.some(own => own.protocol === port.protocol && own.port === port.containerPort),
  );
}

interface Judged {
  /** Which pod pairs are judged: across repos (a system) or within one. */
  pairs: 'across' | 'within';
  /** The system's declared connections in this environment; undefined when not known (a single repo). */
  connections?: readonly DeclaredConnection[];
}

/** Source and destination of a rule's connection to `other`: egress rules are the source's, ingress rules the destination's. */
function ends(rule: PolicyRule, own: Endpoint, other: Endpoint): { source: Endpoint; destination: Endpoint } {
  return rule.direction === 'egress' ? { source: own, destination: other } : { source: other, destination: own };
}

function problemOn(repo: string, loaded: LoadedObject, field: string, text: string): SystemProblem {
  return { ...objectProblem('reference', RULE, loaded, field, text), repo };
}

/** `storefront (Deployment/storefront in bookstore-dev)`; inside one repo, its pods only. */
const endName = (endpoint: Endpoint) => (endpoint.repo ? `${endpoint.repo} (${describePods(endpoint)} in ${endpoint.namespace})` : `${describePods(endpoint)} in ${endpoint.namespace}`);
/** Whose pods: the part's in a system, the workload's inside one repo. */
const whose = (endpoint: Endpoint) => endpoint.repo || describePods(endpoint);

/** Each rule of the view once, with the endpoints whose policies it is part of. */
function rulesWithTheirPods(view: NetworkView): Array<{ rule: PolicyRule; owns: Endpoint[] }> {
  const byRule = new Map<string, { rule: PolicyRule; owns: Endpoint[] }>();
  for (const own of view.endpoints) {
    for (const direction of ['egress', 'ingress'] as const) {
      for (const rule of rulesApplying(view, direction, own)) {
        const key = `${rule.policy.repo}|${rule.policy.loaded.object.metadata?.name}|${direction}|${rule.index}`;
        const known = byRule.get(key) ?? { rule, owns: [] };
        known.owns.push(own);
        byRule.set(key, known);
      }
    }
  }
  return [...byRule.values()];
}

/**
 * Every explicit allow of which no connection gets through the other end, per repo it reaches
 * (and, with the system's edges, which edge it is), and the edges so reported.
 */
function oneSidedRules(view: NetworkView, judged: Judged, environment: string): { problems: SystemProblem[]; edges: Set<string> } {
  const out: SystemProblem[] = [];
  const edges = new Set<string>();
  for (const { rule, owns } of rulesWithTheirPods(view)) {
    const { direction } = rule;
    // Per other repo: each connection this rule allows there, as its source, destination and ports.
    const byRepo = new Map<string, Array<{ source: Endpoint; destination: Endpoint; ports: PodPort[] }>>();
    for (const own of owns) {
      for (const other of view.endpoints) {
        const sameRepo = other.repo === own.repo;
        if (judged.pairs === 'across' ? sameRepo : !sameRepo) continue;
        if (!ruleSelectsPeer(view, rule, other)) continue;
        const { source, destination } = ends(rule, own, other);
        const ports = admittedPorts(rule, destination).filter(port => port.containerPort !== undefined || port.name !== undefined);
        if (ports.length > 0) byRepo.set(other.repo, [...(byRepo.get(other.repo) ?? []), { source, destination, ports }]);
      }
    }
    for (const connections of byRepo.values()) {
      const answered = connections.some(({ source, destination, ports }) =>
        ports.some(port =>
          direction === 'egress' ? sideAllows(view, 'ingress', destination, source, port) : sideAllows(view, 'egress', source, destination, port)));
      if (answered) continue;
      const { source, destination, ports } = connections[0];
      const declared = judged.connections ? declaredFor(judged.connections, source, destination, ports[0]) : undefined;
      if (declared) edges.add(declared.edge);
      const edge = declared ? `edge ${declared.edge}` : judged.connections ? 'a connection no edge of the system declares' : 'the connection';
      const portList = ports.map(describePort).join(', ');
      const missing = direction === 'egress'
        ? `its ingress side is missing: no NetworkPolicy of ${endName(destination)} admits ${whose(source)}'s pods from namespace ${source.namespace} on ${portList}`
        : `its egress side is missing: no NetworkPolicy of ${endName(source)} lets its pods reach ${whose(destination)}'s pods in namespace ${destination.namespace} on ${portList}`;
      out.push(
        problemOn(rule.policy.repo, rule.policy.loaded, `spec.${direction}[${rule.index}]`,
          `in ${environment}, this ${direction} rule allows ${edge} (${whose(source)} → ${whose(destination)}), but ${missing}; ` +
            'both ends must allow a connection, so it never happens'),
      );
    }
  }
  return { problems: out, edges };
}

/** Connections open at both ends, by an explicit allow, that no declared connection covers. */
function undeclaredAllows(view: NetworkView, connections: readonly DeclaredConnection[], environment: string): SystemProblem[] {
  const out: SystemProblem[] = [];
  const reported = new Set<string>();
  for (const source of view.endpoints) {
    const egress = rulesApplying(view, 'egress', source);
    for (const destination of view.endpoints) {
      if (destination.repo === source.repo) continue;
      const ingress = rulesApplying(view, 'ingress', destination);
      const explicit = [
        ...egress.filter(rule => ruleSelectsPeer(view, rule, destination)).map(rule => ({ rule, ports: admittedPorts(rule, destination) })),
        ...ingress.filter(rule => ruleSelectsPeer(view, rule, source)).map(rule => ({ rule, ports: admittedPorts(rule, destination) })),
      ];
      for (const { rule, ports } of explicit) {
        for (const port of ports) {
          if (port.containerPort === undefined && port.name === undefined) continue;
          const open = sideAllows(view, 'egress', source, destination, port) && sideAllows(view, 'ingress', destination, source, port);
          if (!open || declaredFor(connections, source, destination, port)) continue;
          const key = `${source.repo}|${destination.repo}|${port.containerPort}|${port.protocol}`;
          if (reported.has(key)) continue;
          reported.add(key);
          out.push(
            problemOn(rule.policy.repo, rule.policy.loaded, `spec.${rule.direction}[${rule.index}]`,
              `in ${environment}, ${endName(source)} can connect to ${endName(destination)} on ${describePort(port)}, ` +
                'allowed at both ends, but no edge of the system declares that connection: remove the allow, or declare the edge'),
          );
        }
      }
    }
  }
  return out;
}

/** Declared connections whose ends are both rendered and which neither end allows at all. */
function closedEdges(view: NetworkView, connections: readonly DeclaredConnection[], environment: string, oneSided: ReadonlySet<string>): SystemProblem[] {
  const out: SystemProblem[] = [];
  for (const connection of connections) {
    const sources = view.endpoints.filter(endpoint => endMatches(connection.from, endpoint));
    const destinations = view.endpoints.filter(endpoint => endMatches(connection.to, endpoint) && !sources.some(source => source.repo === endpoint.repo));
    if (sources.length === 0 || destinations.length === 0) continue; // an end this set of repos does not hold (a resource, another system)
    // A one-sided allow of this edge is already reported, naming the missing side.
    if (oneSided.has(connection.edge)) continue;
    const open = sources.some(source =>
      destinations.some(destination =>
        connection.ports.some(({ port, protocol }) => {
          const target: PodPort = { containerPort: port, protocol, name: destination.pods.ports.find(own => own.containerPort === port)?.name };
          return sideAllows(view, 'egress', source, destination, target) && sideAllows(view, 'ingress', destination, source, target);
        }),
      ),
    );
    if (open) continue;
    const source = sources[0];
    out.push({
      ...objectProblem('reference', RULE, source.pods.owner, '',
        `in ${environment}, edge ${connection.edge} (${connection.from.name} → ${connection.to.name} on ${connection.ports.map(port => `${port.port}/${port.protocol}`).join(', ')}) ` +
          `is allowed at neither end: ${connection.from.name}'s pods need an egress rule to ${connection.to.name}'s in namespace ${connection.to.namespace}, ` +
          `and ${connection.to.name}'s an ingress rule from ${connection.from.name}'s in namespace ${connection.from.namespace}`),
      repo: source.repo,
    });
  }
  return out;
}

/**
 * Both ends of every allow between a system's repos, in every environment the repos build:
 * each explicit egress rule from one part to another's pods is met by an ingress rule there, and
 * each ingress rule by the sender's egress. With `connections` (systemConnections of the
 * resolved system), also that no allow between two parts is left that no edge declares, and
 * that each declared edge between rendered parts is open.
 */
export function checkPolicyPairs(repos: readonly SystemRepo[], connections?: readonly DeclaredConnection[]): SystemProblem[] {
  const environments = [...new Set(repos.flatMap(repo => [...repo.model.environments.keys()]))];
  return environments.flatMap(environment => {
    const sets = repos.flatMap(repo =>
      objectSets(repo.model)
        .filter(set => set.environment === environment)
        .map(set => ({ repo: repo.name, set })),
    );
    const view = networkView(sets);
    const declared = connections?.filter(connection => connection.environment === environment);
    const oneSided = oneSidedRules(view, { pairs: 'across', connections: declared }, environment);
    if (!declared) return oneSided.problems;
    return [...oneSided.problems, ...undeclaredAllows(view, declared, environment), ...closedEdges(view, declared, environment, oneSided.edges)];
  });
}

export const networkPolicyPairs = defineCheck({
  id: RULE,
  check: 'reference',
  summary:
    'Every NetworkPolicy allow between two workloads is met at the other end: an egress rule by an ingress rule of the pods it reaches, an ingress rule by the egress of the pods it admits, ' +
      'evaluated on the selectors and ports of the rendered objects; across a system\'s repos (checkPolicyPairs), also that every allow between two parts is a declared edge.',
  remediation:
    'Add the missing side (the receiver\'s ingress from the sender\'s namespace and pods, or the sender\'s egress to the receiver\'s, on the receiver\'s pod port), or remove the one-sided allow; ' +
      'in a system, declare the edge so both ends are generated.',
  source: `${SOURCE} ("both the egress policy on the source pod and the ingress policy on the destination pod need to allow the connection")`,
  run(model) {
    return objectSets(model).flatMap(set => {
      if (set.environment === undefined) return []; // raw base objects carry no namespace yet
      const view = networkView([{ repo: '', set }]);
      return oneSidedRules(view, { pairs: 'within' }, set.environment).problems.map(({ repo: _repo, ...problem }) => problem);
    });
  },
});
