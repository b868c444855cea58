import { promises as fs } from 'fs';
import path from 'path';
import { renderGoldenPath, renderSystem } from '@slipway/render';
import { formatSystemValidation, formatValidationReport, validateRepoDir, validateSystem } from '@slipway/validate';
import { createGoldenPathRegistry } from '@slipway/skeletons';
import { startDryRunBackend } from './backend';
import { CliError, CliIO, EXIT, ExitCode } from './errors';
import { ensureEmptyOutDir, writeOutputFiles } from './output';
import { readTemplateFile, valuesToParameters } from './template';
import { formatSpecIssues, readServiceSpec, readValuesFile } from './values';

const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export async function renderCommand(
  options: { goldenPath: string; values: string; out: string; skeletonsDir?: string },
  io: CliIO,
): Promise<ExitCode> {
  const registry = createGoldenPathRegistry({ skeletonsDir: options.skeletonsDir });
  const goldenPath = registry.get(options.goldenPath);
  if (!goldenPath) {
    throw new CliError(`no golden path named ${options.goldenPath}; the golden paths are ${registry.ids().join(', ')}`);
  }
  const values = await readValuesFile(options.values);
  const resolved = goldenPath.resolve(values);
  if (!resolved.ok) throw new CliError(formatSpecIssues(options.values, resolved.issues));
  const spec = resolved.spec;
  await ensureEmptyOutDir(options.out);
  let files;
  try {
    files = await renderGoldenPath(goldenPath, spec);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`no ${goldenPath.id} skeleton in ${options.skeletonsDir ?? 'the packaged skeletons'}`);
    throw new CliError(`rendering failed: ${(error as Error).message}`, EXIT.FAILURE);
  }
  await writeOutputFiles(options.out, files);
  io.stdout(`Rendered ${spec.name} (${goldenPath.id}, ${goldenPath.summary(spec).details}): ${files.length} files into ${options.out}`);
  return EXIT.OK;
}

export async function renderSystemCommand(options: { values: string; out: string; skeletonsDir?: string }, io: CliIO): Promise<ExitCode> {
  const values = await readValuesFile(options.values);
  const rendered = await renderSystem(values, { goldenPaths: createGoldenPathRegistry({ skeletonsDir: options.skeletonsDir }) });
  if (!rendered.ok) throw new CliError(formatSpecIssues(options.values, rendered.issues));
  await ensureEmptyOutDir(options.out);
  // Proven before anything is written: every repo as slipway validate checks it, and what only the
  // repos together show (both ends of every edge, each environment's app-of-apps).
  const validation = await validateSystem(rendered);
  if (!validation.ok) {
    io.stderr(`${formatSystemValidation(validation)}\nThe system ${rendered.system.name} did not validate, so nothing was written to ${options.out}`);
    return EXIT.PROBLEMS;
  }
  // One write of every part's files under its own folder: the whole system appears at once, or nothing does.
  const files = rendered.parts.flatMap(({ part, files: partFiles }) => partFiles.map(file => ({ ...file, path: `${part.name}/${file.path}` })));
  // The config-repo layout: the parts' manifests in one more folder beside their repos.
  const { configRepo, systemRepo } = rendered;
  if (configRepo) files.push(...configRepo.files.map(file => ({ ...file, path: `${configRepo.name}/${file.path}` })));
  // The system's own repo (its catalog System and, with app-repos, the Argo CD app-of-apps), as the Template publishes it.
  files.push(...systemRepo.files.map(file => ({ ...file, path: `${systemRepo.name}/${file.path}` })));
  await writeOutputFiles(options.out, files);
  const parts = rendered.parts.map(({ part, files: partFiles }) => `${part.name} (${part.goldenPath}, ${partFiles.length} files)`);
  if (configRepo) parts.push(`${configRepo.name} (config repo, ${configRepo.files.length} files)`);
  parts.push(`${systemRepo.name} (system repo, ${systemRepo.files.length} files)`);
  io.stdout(`Rendered system ${rendered.system.name}: ${parts.join(', ')} into ${options.out}`);
  return EXIT.OK;
}

export async function validateCommand(options: { dir: string; kustomize: 'auto' | 'skip'; json: boolean }, io: CliIO): Promise<ExitCode> {
  const stat = await fs.stat(options.dir).catch(() => undefined);
  if (!stat?.isDirectory()) throw new CliError(`${options.dir} is not a folder`);
  const report = await validateRepoDir(options.dir, { kustomize: options.kustomize });
  io.stdout(options.json ? JSON.stringify(report, null, 2) : formatValidationReport(report));
  return report.ok ? EXIT.OK : EXIT.PROBLEMS;
}

interface DryRunResponse {
  log: Array<{ body: { message: string; stepId?: string; status?: string } }>;
  directoryContents: Array<{ path: string; executable?: boolean; base64Content: string }>;
  output: Record<string, unknown>;
  steps: Array<{ id: string; name: string; action: string }>;
}

/** Exit code for a failed dry run, from the error Backstage returned. */
export function exitCodeForDryRunError(status: number, message: string): ExitCode {
  if (/^slipway:validate: \d+ problem/m.test(message)) return EXIT.PROBLEMS;
  if (/invalid input/i.test(message) || status === 400) return EXIT.BAD_INPUT;
  return EXIT.FAILURE;
}

export async function dryRunCommand(
  options: { template: string; values: string; out: string; skeletonsDir?: string },
  io: CliIO,
): Promise<ExitCode> {
  // Everything that can be checked locally is checked before a backend is started.
  const template = await readTemplateFile(options.template);
  const { values, spec } = await readServiceSpec(options.values);
  await ensureEmptyOutDir(options.out);
  const mapping = valuesToParameters(template, values, spec);
  if (mapping.ignored.length) {
    io.stderr(`warning: the template's form does not ask for ${mapping.ignored.join(', ')}; these values are not used in the dry run`);
  }
  if (mapping.derived.length) {
    io.stdout(`Form values filled in by slipway: ${mapping.derived.map(field => `${field}=${String(mapping.parameters[field])}`).join(', ')}`);
  }

  const backend = await startDryRunBackend({
    templateActionIds: template.spec.steps.map(step => step.action),
    skeletonsDir: options.skeletonsDir,
  }).catch(error => {
    throw new CliError(`could not start the Backstage backend: ${(error as Error).message}`, EXIT.FAILURE);
  });
  let response: Response;
  let body: unknown;
  const requestStarted = Date.now();
  try {
    io.stdout(`Backstage backend started in ${seconds(backend.startupMs)} at ${backend.baseUrl}`);
    if (backend.placeholders.length) {
      io.stdout(`Not installed here, registered as skipped placeholders: ${backend.placeholders.join(', ')}`);
    }
    response = await fetch(`${backend.baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ template, values: mapping.parameters, secrets: {}, directoryContents: [] }),
    });
    const text = await response.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: { message: text } };
    }
  } finally {
    await backend.stop();
  }
  const requestMs = Date.now() - requestStarted;
  // Errors the backend logged are the step failure reported below; warnings are worth showing.
  for (const line of backend.logs.filter(l => l.level === 'warn')) io.stderr(`backstage warning: ${line.text}`);

  if (!response.ok) {
    const error = body as { error?: { message?: string }; errors?: Array<{ stack?: string; message?: string }> };
    if (Array.isArray(error.errors)) {
      io.stderr(`The template's form rejected the values:\n${error.errors.map(e => `  ${e.stack ?? e.message}`).join('\n')}`);
      return EXIT.BAD_INPUT;
    }
    const message = error.error?.message ?? `HTTP ${response.status}`;
    io.stderr(`Dry run failed (HTTP ${response.status}):\n${message}`);
    return exitCodeForDryRunError(response.status, message);
  }

  const result = body as DryRunResponse;
  const names = new Map(result.steps.map(step => [step.id, step.name]));
  io.stdout('Step log:');
  for (const entry of result.log) {
    const step = entry.body.stepId ? `[${names.get(entry.body.stepId) ?? entry.body.stepId}] ` : '';
    io.stdout(`  ${step}${entry.body.message.replace(ANSI_ESCAPE, '').replace(/\n/g, '\n    ')}`);
  }
  const skipped = result.log.filter(entry => entry.body.status === 'skipped').map(entry => entry.body.stepId ?? '?');
  if (skipped.length) {
    const described = skipped.map(id => `${names.get(id) ?? id} (${result.steps.find(s => s.id === id)?.action ?? '?'})`);
    io.stdout(`Skipped (no dry-run support, Backstage does not run them in a dry run): ${described.join(', ')}`);
  }

  await writeOutputFiles(
    options.out,
    result.directoryContents.map(file => ({
      path: file.path,
      content: Buffer.from(file.base64Content, 'base64'),
      executable: file.executable ?? false,
    })),
  );
  io.stdout(`Wrote ${result.directoryContents.length} files into ${path.resolve(options.out)}`);
  const links = (result.output as { links?: Array<{ title?: string; url?: string; entityRef?: string }> }).links ?? [];
  for (const link of links) {
    const target = link.url ?? (link.entityRef ? `entity ${link.entityRef}` : '(no target in a dry run)');
    io.stdout(`Output link: ${link.title ?? '(untitled)'} -> ${target}`);
  }
  io.stdout(`Dry run: backend start ${seconds(backend.startupMs)}, template run ${seconds(requestMs)}`);
  return EXIT.OK;
}
