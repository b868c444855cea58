import Router from 'express-promise-router';
import type { RootConfigService } from '@backstage/backend-plugin-api';
import { publisherAvailability } from '@slipway/git';

/**
 * `GET /publishers`: where the Slipway template can publish on this Backstage. The
 * template's "Publish to" field reads it, so the form offers GitHub only when a GitHub
 * integration has credentials; the generate action refuses it otherwise, by the same
 * reading of the config (`publisherAvailability`).
 */
export function createPublisherRoutes(options: { config: RootConfigService; localAvailable: boolean }) {
  const router = Router();
  router.get('/publishers', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ publishers: publisherAvailability(options.config, { localAvailable: options.localAvailable }) });
  });
  return router;
}
