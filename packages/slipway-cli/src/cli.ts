import { parseCliArgs, USAGE } from './args';
import { dryRunCommand, renderCommand, renderSystemCommand, validateCommand } from './commands';
import { CliError, CliIO, escapingIO, EXIT, ExitCode, processIO } from './errors';

/** The last resort's one line: the error's name and first line, never its stack. */
function unexpectedErrorLine(error: unknown): string {
  if (!(error instanceof Error)) return String(error).split('\n')[0];
  const firstLine = (error.message || '(no message)').split('\n')[0];
  return error.name && error.name !== 'Error' ? `${error.name}: ${firstLine}` : firstLine;
}

/** Runs the CLI with argv (without node and the script) and returns the exit code. Never throws. */
export async function main(argv: string[], rawIO: CliIO = processIO): Promise<ExitCode> {
  const io = escapingIO(rawIO);
  try {
    const command = parseCliArgs(argv);
    switch (command.command) {
      case 'help':
        io.stdout(USAGE);
        return EXIT.OK;
      case 'render':
        return await renderCommand(command, io);
      case 'render-system':
        return await renderSystemCommand(command, io);
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
    io.stderr(`slipway: unexpected error: ${unexpectedErrorLine(error)}`);
    return EXIT.FAILURE;
  }
}
