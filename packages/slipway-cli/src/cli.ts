import { parseCliArgs, USAGE } from './args';
import { dryRunCommand, renderCommand, validateCommand } from './commands';
import { CliError, CliIO, EXIT, ExitCode, processIO } from './errors';

/** Runs the CLI with argv (without node and the script) and returns the exit code. Never throws. */
export async function main(argv: string[], io: CliIO = processIO): Promise<ExitCode> {
  try {
    const command = parseCliArgs(argv);
    switch (command.command) {
      case 'help':
        io.stdout(USAGE);
        return EXIT.OK;
      case 'render':
        return await renderCommand(command, io);
      case 'validate':
        return await validateCommand(command, io);
      case 'dry-run':
        return await dryRunCommand(command, io);
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`slipway: ${error.message}`);
      return error.exitCode;
    }
    io.stderr(`slipway: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
    return EXIT.FAILURE;
  }
}
