import type { LoggerService } from '@backstage/backend-plugin-api';
import { AllowedHosts } from './allowedHosts';
import { sendError } from './errorResponse';
import { parseHostHeader } from './hostAuthority';
import type { Middleware } from './middleware';

/**
 * Refuses requests whose `Host` this backend does not serve (see AllowedHosts), which is
 * what a DNS-rebinding page sends. 421, RFC 9110 §15.5.20: "the request was directed at a
 * server that is unable or unwilling to produce an authoritative response for the target
 * URI". Install it first, before any route or static file handler.
 */
export function createHostGuard(allowedHosts: AllowedHosts, logger?: LoggerService): Middleware {
  return (req, res, next) => {
    const raw = req.headers.host;
    if (allowedHosts.allows(parseHostHeader(raw))) {
      next();
      return;
    }
    const shown = raw === undefined ? 'no Host header' : `host ${JSON.stringify(raw)}`;
    logger?.warn(`Refused ${req.method} ${req.url}: ${shown} is not served here (DNS rebinding guard)`);
    sendError(
      req,
      res,
      421,
      'MisdirectedRequestError',
      `Misdirected request: ${shown} is not served here (add it to backend.baseUrl, app.baseUrl or slipway.http.allowedHosts if it should be)`,
    );
  };
}
