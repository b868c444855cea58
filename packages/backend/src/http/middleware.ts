import type { IncomingMessage, ServerResponse } from 'http';

/**
 * The request as Express hands it to middleware installed on the root app. Typed on Node's
 * own classes so this package needs no Express typings; Express's `Request` fits it.
 */
export interface HttpRequest extends IncomingMessage {
  /** Express: the URL before any `app.use(path, ...)` mount stripped its prefix. */
  originalUrl?: string;
  /** The parsed body, for body-parser and the routes after it. */
  body?: unknown;
  /** body-parser's "this body was already read" flag, see jsonBodyGuard.ts. */
  _body?: boolean;
}

export type HttpResponse = ServerResponse;

/** A Connect/Express middleware. */
export type Middleware = (req: HttpRequest, res: HttpResponse, next: (error?: unknown) => void) => void;
