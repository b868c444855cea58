import { spawn } from 'child_process';
import type { Request, Response } from 'express';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { isolatedGitEnv } from '@slipway/git';
import { CgiResponseParser } from './cgiResponse';

export interface GitHttpBackendRequest {
  /** Folder holding `<name>.git` (GIT_PROJECT_ROOT). */
  projectRoot: string;
  /** An empty HOME owned by Slipway, so no user git config applies. */
  home: string;
  /** Built from validated parts by the caller, never copied from the URL: `/<name>.git/info/refs`. */
  pathInfo: string;
  queryString: string;
  logger: LoggerService;
}

/** Only what git sends for protocol negotiation (e.g. `version=2`); anything else is dropped. */
const GIT_PROTOCOL_VALUE = /^[A-Za-z0-9=:.,_-]{1,100}$/;
const MAX_STDERR_BYTES = 8 * 1024;

/** The CGI meta-variables `git http-backend` reads (RFC 3875 plus git's own). */
function cgiEnv(req: Request, options: GitHttpBackendRequest): Record<string, string> {
  const env: Record<string, string> = {
    GIT_PROJECT_ROOT: options.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    REQUEST_METHOD: req.method,
    PATH_INFO: options.pathInfo,
    QUERY_STRING: options.queryString,
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
  };
  const contentType = req.get('content-type');
  if (contentType) env.CONTENT_TYPE = contentType;
  const contentLength = req.get('content-length');
  if (contentLength && /^\d+$/.test(contentLength)) env.CONTENT_LENGTH = contentLength;
  // git clients gzip large upload-pack requests; http-backend inflates them itself.
  const contentEncoding = req.get('content-encoding');
  if (contentEncoding) env.HTTP_CONTENT_ENCODING = contentEncoding;
  // Protocol v2 is negotiated through this header.
  const gitProtocol = req.get('git-protocol');
  if (gitProtocol && GIT_PROTOCOL_VALUE.test(gitProtocol)) env.HTTP_GIT_PROTOCOL = gitProtocol;
  return env;
}

/**
 * Answers one smart-HTTP request with `git http-backend` as a CGI script: the request
 * body streams to its stdin, its stdout's CGI head becomes the status and headers, the
 * rest streams back as the body. Nothing is buffered beyond the head.
 */
export function runGitHttpBackend(req: Request, res: Response, options: GitHttpBackendRequest): void {
  const child = spawn('git', ['http-backend'], {
    env: isolatedGitEnv(options.home, cgiEnv(req, options)),
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8');
  });

  const fail = (reason: string) => {
    options.logger.warn(`git http-backend ${options.pathInfo}: ${reason}`);
    if (!res.headersSent) res.status(502).type('text/plain').send('slipway: the git server failed to answer this request\n');
    else res.destroy();
  };

  const parser = new CgiResponseParser(head => {
    res.status(head.status);
    for (const [name, value] of head.headers) res.setHeader(name, value);
  });
  parser.on('error', error => {
    child.kill('SIGKILL');
    fail(error.message);
  });
  child.on('error', error => fail(error.message));
  child.on('close', code => {
    if (code !== 0) options.logger.warn(`git http-backend ${options.pathInfo} exited with ${code}: ${stderr.trim()}`);
  });
  // A client that goes away must not leave a git process running.
  res.on('close', () => {
    if (!res.writableFinished) child.kill('SIGKILL');
  });

  child.stdin.on('error', () => undefined); // EPIPE when git stops reading early; the exit code tells the story.
  req.pipe(child.stdin);
  child.stdout.pipe(parser).pipe(res);
}
