import { escapeControlCharacters } from './terminal-text';

/** Exit codes: documented in the README and `slipway --help`. */
export const EXIT = {
  /** Everything worked; the repo is valid. */
  OK: 0,
  /** The repo (or the dry run's validate step) has validation problems. */
  PROBLEMS: 1,
  /** Bad input: flags, an unreadable, oversized or malformed values or template file, spec errors, a non-empty --out. */
  BAD_INPUT: 2,
  /** Something else failed: the in-process backend did not start, a step failed for another reason, a write failed. */
  FAILURE: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as its message alone (no stack) with a given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.BAD_INPUT,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Where the CLI writes; replaced in tests. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIO: CliIO = {
  stdout: text => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: text => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/**
 * The output boundary: everything the CLI prints passes through here, so no message that quotes
 * input can carry raw control characters to the terminal. Newlines and tabs stay; the JSON report
 * stays valid JSON, since an escape such as `\u001b` means the same character inside a JSON string.
 */
export function escapingIO(io: CliIO): CliIO {
  return {
    stdout: text => io.stdout(escapeControlCharacters(text)),
    stderr: text => io.stderr(escapeControlCharacters(text)),
  };
}
