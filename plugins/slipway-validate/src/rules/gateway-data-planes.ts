import {
  gatewayImplementationByClassName,
  gatewayImplementationByController,
  type GatewayImplementation,
} from '@slipway/common';
import type { LoadedObject, RepoModel } from '../types';
import { asString, getPath, nameOf, wellFormed, type JsonRecord, type ObjectSet } from '../kube';

/**
 * Where the proxy pods of the Gateway a route's parentRef names run, as far as the repo tells:
 * the Gateway (deploy/platform/gateway.yaml, or any manifest) gives its gatewayClassName; a
 * GatewayClass in the repo gives the controllerName, which is authoritative; without one, the
 * class names the implementations' installations create stand in (the table in @slipway/common,
 * which the generator's defaults read too).
 */

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

export interface ProxySource {
  /** `gateway-system/public-gateway`, or the bare name when the namespace is unknown. */
  gatewayRef: string;
  gatewayName: string;
  gatewayNamespace?: string;
  className?: string;
  /** Undefined when the class is not recognised or the Gateway is not in the repo. */
  implementation?: GatewayImplementation;
  /** The namespace the proxies run in, when the implementation says (by default, for a controller's namespace). */
  namespace?: string;
  /** Labels every proxy pod of this Gateway carries, when the implementation is known. */
  podLabels: Record<string, string>;
  /** The labels that single out this Gateway's proxies among the implementation's. */
  gatewayLabels: Record<string, string>;
  /** `the proxies of Gateway gateway-system/public-gateway`. */
  proxies: string;
  /** `Envoy Gateway runs the proxies of Gateway x/y in its controller namespace (envoy-gateway-system by default)`, or why it is unknown. */
  where: string;
}

export function isGatewayApi(loaded: LoadedObject, kind: string): boolean {
  return loaded.object.kind === kind && typeof loaded.object.apiVersion === 'string' && loaded.object.apiVersion.startsWith(`${GATEWAY_API_GROUP}/`);
}

/** Objects the repo holds anywhere: this overlay's build, then every raw manifest (deploy/platform included). */
function candidates(model: RepoModel, set: ObjectSet, kind: string): LoadedObject[] {
  return [...set.objects, ...wellFormed(model.rawObjects)].filter(loaded => isGatewayApi(loaded, kind));
}

/**
 * The Gateway a parentRef names among `objects` (earlier ones first): one in the named namespace,
 * else one without a namespace (a raw manifest kustomize would place).
 */
export function findGateway(objects: LoadedObject[], name: string, namespace: string | undefined): LoadedObject | undefined {
  const named = objects.filter(loaded => isGatewayApi(loaded, 'Gateway') && nameOf(loaded.object) === name);
  return (
    named.find(({ object }) => namespace === undefined || object.metadata?.namespace === namespace) ??
    named.find(({ object }) => object.metadata?.namespace === undefined)
  );
}

/** A parentRef that names a Gateway (not a Service, as GAMMA mesh routes do). */
export function namesGateway(parentRef: JsonRecord): boolean {
  return (asString(parentRef.group) ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP && (asString(parentRef.kind) ?? 'Gateway') === 'Gateway';
}

/** Where, in words: `in its controller namespace (envoy-gateway-system by default)`. */
function placementOf(implementation: GatewayImplementation, namespace: string | undefined): string {
  if (implementation.placement === 'controller-namespace') return `in its controller namespace (${namespace} by default)`;
  return `in the Gateway's namespace${namespace ? ` (${namespace})` : ''}`;
}

/** Where the proxies serving `route` through `parentRef` run. */
export function proxySourceOf(model: RepoModel, set: ObjectSet, route: LoadedObject, parentRef: JsonRecord): ProxySource {
  const gatewayName = asString(parentRef.name) ?? '';
  const refNamespace = asString(parentRef.namespace) ?? route.object.metadata?.namespace;
  const gateway = findGateway(candidates(model, set, 'Gateway'), gatewayName, refNamespace);
  const gatewayNamespace = gateway?.object.metadata?.namespace ?? refNamespace;
  const gatewayRef = gatewayNamespace ? `${gatewayNamespace}/${gatewayName}` : gatewayName;
  const className = gateway ? asString(getPath(gateway.object, 'spec', 'gatewayClassName')) : undefined;

  let implementation: GatewayImplementation | undefined;
  if (className !== undefined) {
    const gatewayClass = candidates(model, set, 'GatewayClass').find(loaded => nameOf(loaded.object) === className);
    const controllerName = gatewayClass ? asString(getPath(gatewayClass.object, 'spec', 'controllerName')) : undefined;
    // The class in the repo is authoritative: `eg` run by another controller is not Envoy Gateway.
    implementation = gatewayClass ? (controllerName ? gatewayImplementationByController(controllerName) : undefined) : gatewayImplementationByClassName(className);
  }

  const namespace = !implementation
    ? undefined
    : implementation.placement === 'controller-namespace'
      ? implementation.defaultControllerNamespace
      : gatewayNamespace;
  const identity = { name: gatewayName, namespace: gatewayNamespace ?? '', className: className ?? '' };
  const gatewayLabels = implementation ? dropEmpty(implementation.gatewayPodLabels(identity)) : {};
  const proxies = `the proxies of Gateway ${gatewayRef}`;
  return {
    gatewayRef,
    gatewayName,
    gatewayNamespace,
    className,
    implementation,
    namespace,
    podLabels: implementation ? { ...implementation.commonPodLabels, ...gatewayLabels } : {},
    gatewayLabels,
    proxies,
    where: implementation
      ? `${implementation.name} runs ${proxies} ${placementOf(implementation, namespace)}`
      : gateway
        ? `${proxies} (class ${className ?? '(none)'}, an implementation the validator does not know)`
        : `${proxies} (not in the repo, so its implementation is unknown)`,
  };
}

/** Labels whose value the repo does not tell (a Gateway namespace it leaves to kustomize) are unknown, not empty. */
function dropEmpty(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([, value]) => value !== ''));
}
