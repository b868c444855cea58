import http from 'http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body as JSON, or undefined if it is none. */
  json: any;
}

export interface RawRequest {
  method?: string;
  path: string;
  /** The Host header to send (Node's fetch cannot set it); the connection always goes to 127.0.0.1:port. */
  host?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** One HTTP/1.1 request to 127.0.0.1:port with exactly the headers given, as an attacker's browser or curl would send them. */
export function rawRequest(port: number, request: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: request.host ?? `localhost:${port}`, ...request.headers };
    if (request.body !== undefined && !headers['transfer-encoding']) headers['content-length'] = String(Buffer.byteLength(request.body));
    const req = http.request({ host: '127.0.0.1', port, method: request.method ?? 'GET', path: request.path, headers }, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(request.body);
  });
}

/** A JSON POST through rawRequest. */
export function postJson(port: number, path: string, body: unknown, options: Omit<RawRequest, 'path' | 'body' | 'method'> = {}): Promise<RawResponse> {
  return rawRequest(port, {
    ...options,
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
