import type { ModelCheck } from '../types';
import { checkCanaryAnalysis } from './canaryAnalysis';
import { checkCatalog } from './catalog';
import { checkClusterDns } from './clusterDns';
import { checkContainerHealth } from './containerHealth';
import { checkDisruptionBudgets } from './disruptionBudget';
import { checkImages } from './images';
import { checkNetworkPolicies } from './networkPolicy';
import { checkPodSecurity } from './podSecurity';
import { checkRouting } from './routing';
import { checkCommittedSecrets, checkPlaintextCredentials } from './secrets';
import { checkServiceAccountToken } from './serviceAccountToken';
import { checkVolumeAccess } from './storage';

/**
 * Policy checks over the built overlays (or the raw base without kustomize) and
 * catalog-info.yaml (check 'catalog'); the workflow checks are units (rules/ci-*.ts). Each is a pure
 * function of the model and never throws on malformed input.
 */
export const policyChecks: ModelCheck[] = [
  checkPodSecurity,
  checkContainerHealth,
  checkImages,
  checkServiceAccountToken,
  checkDisruptionBudgets,
  checkNetworkPolicies,
  checkCommittedSecrets,
  checkPlaintextCredentials,
  checkClusterDns,
  checkVolumeAccess,
  checkRouting,
  checkCanaryAnalysis,
  checkCatalog,
];

export { unpinnedEnvironments, skipReconcileEnvironments, SKIP_RECONCILE_ANNOTATION } from './images';
