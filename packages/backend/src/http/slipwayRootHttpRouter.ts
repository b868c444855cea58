import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { AllowedHosts } from './allowedHosts';
import { createHostGuard } from './hostGuard';
import { createJsonBodyGuard, JsonBodyLimits } from './jsonBodyGuard';
import { createOriginGuard } from './originGuard';
import { OriginPolicy } from './originPolicy';
import { ServerDetailRedactor } from './serverDetailRedactor';
import { serverPathRoots } from './serverPathRoots';
import { redactTaskEventsJson, redactTaskEventStream } from './taskEventRedaction';
import { catalogTemplateLookup, createDryRunValuesGuard, createTaskValuesGuard } from './taskValuesGuard';

/**
 * Task bodies (`POST /v2/tasks`: templateRef, values, secrets; also retry, cancel and
 * autocomplete): 64 KiB. The largest values Slipway's template accepts come to about 7 KB
 * of JSON (description: 2,000 characters, at most 3 UTF-8 bytes each; name, owner, system
 * and the two hosts: about 1 KB together), under 20 KB even with every character written
 * as a \u escape; a secret as large as a GitHub App private key is under 2 KB. That
 * leaves room for other templates' forms, and refuses what Backstage's own 10 MB limit
 * lets through (a 9 MiB value, stored with the task and served in every task listing).
 */
export const TASK_BODY_LIMITS: JsonBodyLimits = { maxBytes: 64 * 1024, maxDepth: 64 };

/**
 * Dry runs (`POST /v2/dry-run`) carry the template and its directory, base64 (4/3 of the
 * size): 4 MiB, about 3 MiB of files. Slipway's template directory is one 12 KB
 * template.yaml, and all the skeleton files it ships come to about 125 KB.
 *
 * Depth 64 for both: a template's deepest legitimate nesting (parameters → dependencies →
 * oneOf → properties → a field's ui:options → a list) is about 12 levels, and the
 * recursive consumers (JSON.stringify, jsonschema, nunjucks) are far from their stack
 * limits at 64.
 */
export const DRY_RUN_BODY_LIMITS: JsonBodyLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 64 };

export interface SlipwayRootHttpRouterOptions {
  /** The repo root, whose paths task events must not show (see serverPathRoots). */
  repoRoot: string;
}

/**
 * Backstage's root HTTP router with Slipway's guards in front of every route:
 *  1. hostGuard: 421 for a Host this backend does not serve (DNS rebinding);
 *  2. originGuard: 403 for a foreign or opaque Origin, any method (CSRF from a local page);
 *  3. the scaffolder's JSON bodies bounded and checked before its express.json() reads them;
 *  4. task values limited to the fields of their template's form (taskValuesGuard);
 *  5. task events served without stack frames or this server's paths.
 * They go before applyDefaults(), which adds helmet, cors, compression, logging, the
 * health router and then the plugins' routes.
 */
export function slipwayRootHttpRouter(options: SlipwayRootHttpRouterOptions) {
  return rootHttpRouterServiceFactory({
    configure({ app, applyDefaults, config, logger }) {
      app.use(createHostGuard(AllowedHosts.fromConfig(config), logger));
      app.use(createOriginGuard(OriginPolicy.fromConfig(config), logger));

      // Dry run first: the guard marks the body as read, so the general one below skips it.
      app.post('/api/scaffolder/v2/dry-run', createJsonBodyGuard(DRY_RUN_BODY_LIMITS));
      app.use('/api/scaffolder', createJsonBodyGuard(TASK_BODY_LIMITS));
      app.post('/api/scaffolder/v2/dry-run', createDryRunValuesGuard());
      const catalogBaseUrl = `${config.getString('backend.baseUrl').replace(/\/+$/, '')}/api/catalog`;
      app.post('/api/scaffolder/v2/tasks', createTaskValuesGuard(catalogTemplateLookup(catalogBaseUrl)));

      const redactor = new ServerDetailRedactor(serverPathRoots(config, options.repoRoot));
      app.get('/api/scaffolder/v2/tasks/:taskId/events', redactTaskEventsJson(redactor));
      app.get('/api/scaffolder/v2/tasks/:taskId/eventstream', redactTaskEventStream(redactor));

      applyDefaults();
    },
  });
}
