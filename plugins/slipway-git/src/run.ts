import { spawn } from 'child_process';
import { GitCommandError } from './errors';

/**
 * The environment every git process gets: built from scratch rather than inherited, so
 * the machine's and user's git config (`/etc/gitconfig`, `~/.gitconfig`, credential
 * helpers, signing, hooks paths) and stray `GIT_DIR`-style variables can't change what
 * Slipway writes or serves. `home` must be a folder Slipway owns.
 */
export function isolatedGitEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    // Stable, untranslated messages: errors are shown to users and matched in tests.
    LC_ALL: 'C',
    ...extra,
  };
}

/** Settings that must hold for every command regardless of any config git might still find. */
const FIXED_CONFIG = ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', '-c', 'core.symlinks=true'];

export interface RunGitOptions {
  /** Isolated HOME (see `isolatedGitEnv`). */
  home: string;
  cwd?: string;
  /** Extra environment variables, e.g. GIT_AUTHOR_NAME. */
  env?: Record<string, string>;
  /** Written to git's stdin. */
  input?: string | Buffer;
  timeoutMs?: number;
  /** Guards against runaway output; default 64 MiB. */
  maxOutputBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs `git <args>` without a shell and resolves with its stdout; non-zero exits reject with GitCommandError. */
export function runGit(args: readonly string[], options: RunGitOptions): Promise<Buffer> {
  const command = args.find(arg => !arg.startsWith('-')) ?? args.join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...FIXED_CONFIG, ...args], {
      cwd: options.cwd,
      env: isolatedGitEnv(options.home, options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let failure: Error | undefined;
    const timer = setTimeout(() => {
      failure = new GitCommandError(command, null, `timed out after ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
      child.kill('SIGKILL');
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);

    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > (options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT)) {
        failure ??= new GitCommandError(command, null, 'output too large');
        child.kill('SIGKILL');
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // git may exit before reading all of stdin (e.g. on an error); that EPIPE is not the failure to report.
    child.stdin.on('error', () => undefined);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    child.on('error', error => {
      failure ??= (error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('git: not found on PATH') : error;
      // A process that never started emits no 'close' on every Node version: settle here.
      if (child.pid === undefined) settle(() => reject(failure));
    });
    child.on('close', code => {
      settle(() => {
        if (failure) return reject(failure);
        if (code !== 0) return reject(new GitCommandError(command, code, Buffer.concat(stderr).toString('utf8')));
        resolve(Buffer.concat(stdout));
      });
    });
    child.stdin.end(options.input);
  });
}
