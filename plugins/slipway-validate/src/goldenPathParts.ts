import { promises as fs } from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { GENERATE_ACTION_ID, goldenPathDefinitionProblems, GoldenPathRegistry, type GoldenPath } from '@slipway/common';
import { renderGoldenPath } from '@slipway/render';
import { RULES } from './rules';
import { goldenPathComponents, SKELETON_ANNOTATION } from './goldenPaths';

async function readText(file: string): Promise<string | undefined> {
  return fs.readFile(file, 'utf8').catch(() => undefined);
}

function templateProblems(goldenPath: GoldenPath, text: string | undefined): string[] {
  if (text === undefined) return ['template.yaml is missing: a golden path is offered on the Create page through its Backstage Template'];
  let template: { kind?: unknown; spec?: { steps?: Array<{ action?: unknown; input?: { goldenPath?: unknown } }> } };
  try {
    template = parse(text) ?? {};
  } catch (error) {
    return [`template.yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}`];
  }
  if (template.kind !== 'Template') return ['template.yaml is not a kind: Template entity'];
  const steps = Array.isArray(template.spec?.steps) ? template.spec!.steps : [];
  const generate = steps.find(step => step?.action === GENERATE_ACTION_ID);
  if (!generate) return [`template.yaml has no ${GENERATE_ACTION_ID} step`];
  if (generate.input?.goldenPath !== goldenPath.id) {
    return [`template.yaml's ${GENERATE_ACTION_ID} step renders goldenPath ${JSON.stringify(generate.input?.goldenPath)}, not ${goldenPath.id}`];
  }
  return [];
}

async function exampleProblems(goldenPath: GoldenPath): Promise<string[]> {
  const dir = path.join(goldenPath.dir, 'examples');
  const names = (await fs.readdir(dir).catch(() => [] as string[])).filter(name => /\.ya?ml$/.test(name)).sort();
  if (!names.length) return ['examples/ holds no values file: every golden path is rendered and validated from its examples'];
  const problems: string[] = [];
  // Only the ids the annotations name are compared, so no registry needs to hold this path.
  const noLookup = new GoldenPathRegistry();
  for (const name of names) {
    let values: unknown;
    try {
      values = parse(await fs.readFile(path.join(dir, name), 'utf8'));
    } catch (error) {
      problems.push(`examples/${name} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    const resolved = goldenPath.resolve(values);
    if (!resolved.ok) {
      problems.push(`examples/${name} does not pass the spec: ${resolved.issues.map(issue => `${issue.path}: ${issue.message}`).join('; ')}`);
      continue;
    }
    let files;
    try {
      files = await renderGoldenPath(goldenPath, resolved.spec);
    } catch (error) {
      problems.push(`examples/${name} does not render: ${(error as Error).message}`);
      continue;
    }
    const catalog = files.find(file => file.path === 'catalog-info.yaml');
    if (!catalog) {
      problems.push(`examples/${name} renders no catalog-info.yaml`);
      continue;
    }
    // The validator's own reading of the catalog, so the part check and the profile check cannot disagree.
    const named = goldenPathComponents({ files: new Map([[catalog.path, catalog.content]]), environments: new Map(), rawObjects: [], goldenPaths: noLookup });
    if (!named.some(component => component.goldenPathId === goldenPath.id)) {
      problems.push(
        `examples/${name}: the rendered catalog-info.yaml has no Component whose ${SKELETON_ANNOTATION} names ${goldenPath.id}, ` +
          'so the validator cannot find its check profile or metrics',
      );
    }
  }
  return problems;
}

/**
 * What a golden path lacks: its definition (metrics declaration, check profile), its README,
 * its Template (running `slipway:generate` with its id), its examples (each passing its spec,
 * rendering, and naming the golden path in catalog-info.yaml), or check profile rules the
 * validator does not have. Empty when the golden path is whole. Never throws.
 */
export async function checkGoldenPathParts(goldenPath: GoldenPath): Promise<string[]> {
  const problems = goldenPathDefinitionProblems(goldenPath);
  const known = new Set<string>(RULES.map(rule => rule.id));
  for (const rule of goldenPath.checkProfile.rules) {
    if (!known.has(rule)) problems.push(`checkProfile.rules names ${rule}, which is not a validator rule`);
  }
  const readme = await readText(path.join(goldenPath.dir, 'README.md'));
  if (!readme?.trim()) problems.push('README.md is missing: it tells platform engineers how to edit the golden path');
  problems.push(...templateProblems(goldenPath, await readText(path.join(goldenPath.dir, 'template.yaml'))));
  problems.push(...(await exampleProblems(goldenPath)));
  return problems;
}
