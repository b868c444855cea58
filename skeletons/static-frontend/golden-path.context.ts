import { DERIVED_NAME_SUFFIXES } from '@slipway/common';
import {
  alertsRunbookUrl,
  deployTreeContext,
  type DeployTreeContext,
  catalogEntityContext,
  componentLabelsContext,
  promotionContext,
  type CatalogEntityContext,
  type ComponentLabelsContext,
  type PromotionContext,
} from '../_shared/golden-path.context';
import { EXPORTER, FRONTEND_METRICS, exporterArgs, metricsContractJson } from './golden-path.metrics';
import type { FrontendEnvironment, StaticFrontendSpec } from './golden-path.resolve';
import { STUB_STATUS_PORT } from './golden-path.spec';

/** Every object name a frontend's skeleton derives from its name. */
export interface FrontendNames {
  appsApplication: string;
  defaultDenyPolicy: string;
  gatewayIngressPolicy: string;
  prometheusIngressPolicy: string;
  dnsEgressPolicy: string;
  /** Ingress from the system's parts that call the frontend (environments[].peers.ingress). */
  peersIngressPolicy: string;
  /** Egress to the backends nginx proxies to. */
  backendEgressPolicy: string;
  /** The HTTPRoute on the plain-HTTP listener that redirects to HTTPS. */
  httpsRedirectRoute: string;
  /** The ConfigMap holding an environment's backend locations (nginx/backends.conf). */
  backendsConfigMap: string;
}

/**
 * What every static-frontend skeleton file sees: `spec.*`, `names.*`, the shared labels and
 * promotion order (skeletons/_shared, the same as node-service's), the exporter sidecar and
 * the metrics names. Files under `[environment]` also see `environment` (with its backends and TLS).
 */
export interface StaticFrontendContext extends ComponentLabelsContext, PromotionContext<FrontendEnvironment>, CatalogEntityContext, DeployTreeContext {
  spec: StaticFrontendSpec;
  names: FrontendNames;
  /** True when nginx proxies at least one path prefix. */
  hasBackends: boolean;
  metrics: typeof FRONTEND_METRICS & {
    /** src/metrics.contract.json as the repo holds it. */
    contractJson: string;
  };
  exporter: { image: string; args: string[]; uid: number };
  /** stub_status's loopback port, which the exporter reads. */
  stubStatusPort: number;
  alertsRunbookUrl: string;
}

export function frontendNames(name: string): FrontendNames {
  return {
    appsApplication: `${name}${DERIVED_NAME_SUFFIXES.appsApplication}`,
    defaultDenyPolicy: `${name}${DERIVED_NAME_SUFFIXES.defaultDenyPolicy}`,
    gatewayIngressPolicy: `${name}${DERIVED_NAME_SUFFIXES.gatewayIngressPolicy}`,
    prometheusIngressPolicy: `${name}${DERIVED_NAME_SUFFIXES.prometheusIngressPolicy}`,
    dnsEgressPolicy: `${name}${DERIVED_NAME_SUFFIXES.dnsEgressPolicy}`,
    peersIngressPolicy: `${name}${DERIVED_NAME_SUFFIXES.peersIngressPolicy}`,
    backendEgressPolicy: `${name}-allow-backends`,
    httpsRedirectRoute: `${name}${DERIVED_NAME_SUFFIXES.httpsRedirectRoute}`,
    backendsConfigMap: `${name}-nginx-backends`,
  };
}

export function createStaticFrontendContext(spec: StaticFrontendSpec): StaticFrontendContext {
  return {
    spec,
    names: frontendNames(spec.name),
    ...componentLabelsContext(spec),
    ...promotionContext(spec.environments),
    hasBackends: spec.backends.length > 0,
    metrics: { ...FRONTEND_METRICS, contractJson: metricsContractJson(spec.metricsPort) },
    exporter: { image: EXPORTER.image, args: exporterArgs(spec.metricsPort), uid: EXPORTER.uid },
    stubStatusPort: STUB_STATUS_PORT,
    alertsRunbookUrl: alertsRunbookUrl(spec.gitops),
    ...deployTreeContext(spec.gitops, spec.environments),
    // The backends nginx proxies to; a website serves no API of its own to register.
    ...catalogEntityContext(spec, { dependsOn: spec.backends.map(backend => `component:${backend.service}`) }),
  };
}
