/**
 * The slipway CLI as a library: the same commands `slipway` runs.
 *
 * @packageDocumentation
 */
export { main } from './cli';
export { parseCliArgs, USAGE, type Command } from './args';
export { EXIT, CliError, type CliIO, type ExitCode } from './errors';
export { renderCommand, validateCommand, dryRunCommand } from './commands';
export { startDryRunBackend, type DryRunBackend, type StartDryRunBackendOptions } from './backend';
export { parameterBindings, valuesToParameters, readTemplateFile, repoPickerValue } from './template';
export { readValuesFile, readServiceSpec } from './values';
