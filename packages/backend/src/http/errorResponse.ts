import type { HttpRequest, HttpResponse } from './middleware';

/** The JSON body Backstage's error middleware answers with (`@backstage/errors` ErrorResponseBody), minus the stack. */
export interface ErrorResponseBody {
  error: { name: string; message: string };
  request: { method: string; url: string };
  response: { statusCode: number };
}

/**
 * Answers a refused request in Backstage's error shape, so Backstage clients
 * (ResponseError.fromResponse) show the message. It runs before helmet, so it sets
 * `nosniff` itself: the message may quote a header the client sent.
 */
export function sendError(req: HttpRequest, res: HttpResponse, statusCode: number, name: string, message: string): void {
  const body: ErrorResponseBody = {
    error: { name, message },
    request: { method: req.method ?? 'GET', url: req.originalUrl ?? req.url ?? '/' },
    response: { statusCode },
  };
  res.statusCode = statusCode;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  res.end(JSON.stringify(body));
}
