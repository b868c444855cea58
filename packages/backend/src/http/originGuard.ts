import type { LoggerService } from '@backstage/backend-plugin-api';
import { sendError } from './errorResponse';
import { parseHostHeader } from './hostAuthority';
import type { Middleware } from './middleware';
import { OriginPolicy } from './originPolicy';

/**
 * Refuses (403) every request that carries a foreign `Origin`, whatever its method. That
 * covers everything a foreign page can do that matters: the Fetch standard makes the
 * browser send `Origin` on every CORS-mode request and on every request whose method is
 * neither GET nor HEAD ("If request's response tainting is "cors" or request's mode is
 * "websocket", then append (`Origin`, serializedOrigin) ... Otherwise, if request's method
 * is neither `GET` nor `HEAD`, then: ..."). What is left without `Origin` are no-cors
 * GET/HEAD requests, whose responses the page cannot read, and clients that are no
 * browser (curl, git), which carry no Origin and pass.
 */
export function createOriginGuard(policy: OriginPolicy, logger?: LoggerService): Middleware {
  return (req, res, next) => {
    const origin = req.headers.origin;
    const refusal = origin === undefined ? undefined : policy.refusal(origin, parseHostHeader(req.headers.host));
    if (refusal === undefined) {
      next();
      return;
    }
    logger?.warn(`Refused ${req.method} ${req.url}: ${refusal}`);
    sendError(req, res, 403, 'NotAllowedError', `Forbidden: ${refusal}; this Backstage answers its own pages only`);
  };
}
