/**
 * Where Gateway API implementations run the proxy pods that carry a Gateway's traffic, and how
 * they label them. The generator reads it for the allow-gateway NetworkPolicy's defaults
 * (resolve.ts) and the validator for what that policy must admit (rule network-gateway-source):
 * a NetworkPolicy sees the proxies as the source, never the Gateway object.
 */

/** Which namespace a Gateway's proxy pods run in. */
export type ProxyPlacement =
  /** The namespace the implementation's controller is installed in, whatever the Gateway's namespace. */
  | 'controller-namespace'
  /** The Gateway's own namespace. */
  | 'gateway-namespace';

/** The Gateway a set of proxies serves. */
export interface GatewayIdentity {
  name: string;
  namespace: string;
  className: string;
}

export interface GatewayImplementation {
  /** For messages, e.g. `Envoy Gateway`. */
  name: string;
  /** `GatewayClass.spec.controllerName` values that mean this implementation. */
  controllerNames: readonly string[];
  /** GatewayClass names its standard installation creates, for repos that do not hold the GatewayClass. */
  classNames: readonly string[];
  placement: ProxyPlacement;
  /** With `controller-namespace`: the namespace its installation uses unless told otherwise. */
  defaultControllerNamespace?: string;
  /** Labels on every proxy pod of the implementation, whichever Gateway it serves. */
  commonPodLabels: Readonly<Record<string, string>>;
  /** Labels that single out the proxy pods of one Gateway. */
  gatewayPodLabels(gateway: GatewayIdentity): Record<string, string>;
  /** The upstream documentation or source these facts come from. */
  source: string;
}

/** Envoy Gateway's quick-start GatewayClass, the spec's default `gateway.className`. */
export const ENVOY_GATEWAY_CLASS = 'eg';

/**
 * Envoy Gateway: "In standard deployment mode, Envoy Gateway creates all data plane resources in
 * the controller namespace (typically `envoy-gateway-system`)"; Gateway Namespace Mode, set in the
 * controller's own configuration (`provider.kubernetes.deploy.type: GatewayNamespace`), places them
 * "in each Gateway's namespace" instead (docs, tasks/operations/gateway-namespace-mode). Its proxy
 * pods carry `EnvoyAppLabel()` (app.kubernetes.io/name=envoy, component=proxy,
 * managed-by=envoy-gateway; internal/infrastructure/kubernetes/proxy/resource.go) and the
 * `gateway.envoyproxy.io/owning-gateway-name`/`-namespace` labels of the Gateway they serve
 * (internal/gatewayapi). The Helm chart's default `controllerName` is
 * `gateway.envoyproxy.io/gatewayclass-controller`, and the quick start's GatewayClass is `eg`.
 */
export const ENVOY_GATEWAY: GatewayImplementation = {
  name: 'Envoy Gateway',
  controllerNames: ['gateway.envoyproxy.io/gatewayclass-controller'],
  classNames: [ENVOY_GATEWAY_CLASS],
  placement: 'controller-namespace',
  defaultControllerNamespace: 'envoy-gateway-system',
  commonPodLabels: {
    'app.kubernetes.io/name': 'envoy',
    'app.kubernetes.io/component': 'proxy',
    'app.kubernetes.io/managed-by': 'envoy-gateway',
  },
  gatewayPodLabels: gateway => ({
    'gateway.envoyproxy.io/owning-gateway-name': gateway.name,
    'gateway.envoyproxy.io/owning-gateway-namespace': gateway.namespace,
  }),
  source: 'https://gateway.envoyproxy.io/docs/tasks/operations/gateway-namespace-mode/',
};

/**
 * Istio: "each Gateway will automatically provision a Service and Deployment", created in the
 * Gateway's namespace (`namespace: {{.Namespace}}`, owned by the Gateway) with pods labelled
 * `gateway.networking.k8s.io/gateway-name: <gateway name>` and `gateway-class-name`
 * (istio/istio manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml; docs,
 * tasks/traffic-management/ingress/gateway-api "Automated Deployment"). Istio's controllerName
 * is `istio.io/gateway-controller` and the GatewayClass it creates is `istio`.
 */
export const ISTIO: GatewayImplementation = {
  name: 'Istio',
  controllerNames: ['istio.io/gateway-controller'],
  classNames: ['istio'],
  placement: 'gateway-namespace',
  commonPodLabels: { 'gateway.istio.io/managed': 'istio.io-gateway-controller' },
  gatewayPodLabels: gateway => ({
    'gateway.networking.k8s.io/gateway-name': gateway.name,
    'gateway.networking.k8s.io/gateway-class-name': gateway.className,
  }),
  source: 'https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/#automated-deployment',
};

/**
 * NGINX Gateway Fabric (2.x): a Gateway of its class "creates a Service and an NGINX deployment in
 * the same namespace as the Gateway" (docs, install/deploy-data-plane), labelled
 * `gateway.networking.k8s.io/gateway-name: <gateway name>` (internal/controller/provisioner/objects.go).
 * Its controllerName is `gateway.nginx.org/nginx-gateway-controller`; the Helm chart's class is `nginx`.
 */
export const NGINX_GATEWAY_FABRIC: GatewayImplementation = {
  name: 'NGINX Gateway Fabric',
  controllerNames: ['gateway.nginx.org/nginx-gateway-controller'],
  classNames: ['nginx'],
  placement: 'gateway-namespace',
  commonPodLabels: {},
  gatewayPodLabels: gateway => ({ 'gateway.networking.k8s.io/gateway-name': gateway.name }),
  source: 'https://docs.nginx.com/nginx-gateway-fabric/install/deploy-data-plane/',
};

export const GATEWAY_IMPLEMENTATIONS: readonly GatewayImplementation[] = [ENVOY_GATEWAY, ISTIO, NGINX_GATEWAY_FABRIC];

/** The implementation a GatewayClass's `controllerName` names (authoritative when the class is known). */
export function gatewayImplementationByController(controllerName: string): GatewayImplementation | undefined {
  return GATEWAY_IMPLEMENTATIONS.find(implementation => implementation.controllerNames.includes(controllerName));
}

/** The implementation whose standard installation creates a GatewayClass of this name. */
export function gatewayImplementationByClassName(className: string): GatewayImplementation | undefined {
  return GATEWAY_IMPLEMENTATIONS.find(implementation => implementation.classNames.includes(className));
}
