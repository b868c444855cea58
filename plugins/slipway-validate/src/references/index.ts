import type { ModelCheck } from '../types';
import { checkArgoCdApplications } from './argocd';
import { checkAutoscalers } from './autoscaling';
import { checkHttpRouteBackends } from './httpRoutes';
import { checkMonitors } from './monitoring';
import { checkPodReferences } from './podReferences';
import { checkRollouts } from './rollouts';
import { checkSelections } from './selection';
import { checkServices } from './services';

/**
 * Cross-reference checks (check 'reference'): every name or selector one object uses
 * to find another resolves within the same deployed set. Pure functions of the model.
 */
export const referenceChecks: ModelCheck[] = [
  checkServices,
  checkAutoscalers,
  checkRollouts,
  checkMonitors,
  checkHttpRouteBackends,
  checkSelections,
  checkArgoCdApplications,
  checkPodReferences,
];
