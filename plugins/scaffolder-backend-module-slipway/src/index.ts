/**
 * Slipway scaffolder actions: generate, validate and publish GitOps-ready Kubernetes services.
 *
 * Install with `backend.add(import('@slipway/plugin-scaffolder-backend-module-slipway'))`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleSlipway as default } from './module';
export {
  createServiceGenerateAction,
  SERVICE_GENERATE_ACTION_ID,
  SERVICE_GENERATE_ACTION_ONLY_INPUTS,
  type ServiceGenerateActionOptions,
} from './actions/serviceGenerate';
export {
  createGenerateAction,
  GENERATE_ACTION_ID,
  GENERATE_ACTION_INPUTS,
  type GenerateActionOptions,
} from './actions/generate';
export {
  createSystemGenerateAction,
  SYSTEM_GENERATE_ACTION_ID,
  type SystemGenerateActionOptions,
} from './actions/systemGenerate';
export { slipwayGoldenPathsExtensionPoint, type SlipwayGoldenPathsExtensionPoint } from './extensions';
export { templateBindings, type TemplateBindings } from './actions/templateBindings';
export { createValidateAction, VALIDATE_ACTION_ID, KUSTOMIZE_MODES } from './actions/validate';
export {
  createPublishLocalAction,
  PUBLISH_LOCAL_ACTION_ID,
  DEFAULT_GIT_AUTHOR,
  type PublishLocalActionOptions,
} from './actions/publishLocal';
export {
  createPublishLocalFinishAction,
  PUBLISH_LOCAL_FINISH_ACTION_ID,
  type PublishLocalFinishActionOptions,
} from './actions/publishLocalFinish';

import { GENERATE_ACTION_ID } from './actions/generate';
import { SERVICE_GENERATE_ACTION_ID } from './actions/serviceGenerate';
import { SYSTEM_GENERATE_ACTION_ID } from './actions/systemGenerate';
import { VALIDATE_ACTION_ID } from './actions/validate';
import { PUBLISH_LOCAL_ACTION_ID } from './actions/publishLocal';
import { PUBLISH_LOCAL_FINISH_ACTION_ID } from './actions/publishLocalFinish';

/** Every action id this module registers. */
export const SLIPWAY_ACTION_IDS = [
  GENERATE_ACTION_ID,
  SYSTEM_GENERATE_ACTION_ID,
  SERVICE_GENERATE_ACTION_ID,
  VALIDATE_ACTION_ID,
  PUBLISH_LOCAL_ACTION_ID,
  PUBLISH_LOCAL_FINISH_ACTION_ID,
] as const;
