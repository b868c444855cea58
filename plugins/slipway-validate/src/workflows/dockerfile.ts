import type { RepoModel } from '../types';

/**
 * Dockerfiles read as build stages: each `FROM` with its image (ARG defaults substituted), its
 * stage name, its line, and the stages it copies from. Enough to tell which image the runtime
 * stage runs and which stages build what it copies; not a full Dockerfile parser (no heredocs).
 */

export interface DockerStage {
  index: number;
  /** `FROM <image>` as written, with `${ARG}` defaults substituted. */
  image: string;
  /** `AS <name>`, lowercased. */
  name?: string;
  line: number;
  /** Stage names or indexes this stage copies from (`COPY --from=build`). */
  copiesFrom: string[];
  /** The stage this one is based on, when `FROM` names an earlier stage. */
  baseStage?: DockerStage;
}

export interface Dockerfile {
  file: string;
  stages: DockerStage[];
}

export const DOCKERFILE_PATH = /(^|\/)(Dockerfile|Containerfile)(\.[A-Za-z0-9_-]+)?$|\.(Dockerfile|Containerfile)$/;

/** Joins continuation lines and keeps each instruction's first line number. */
function instructions(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let current: { line: number; text: string } | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trimEnd();
    if (!current && (/^\s*#/.test(line) || !line.trim())) return;
    if (!current) current = { line: index + 1, text: '' };
    if (line.endsWith('\\')) {
      current.text += `${line.slice(0, -1)} `;
      return;
    }
    current.text += line;
    out.push({ line: current.line, text: current.text.trim() });
    current = undefined;
  });
  if (current) out.push(current);
  return out;
}

function substitute(value: string, args: Map<string, string>): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?/g, (whole, name: string, fallback?: string) => args.get(name) ?? fallback ?? whole);
}

export function parseDockerfile(file: string, text: string): Dockerfile {
  const args = new Map<string, string>();
  const stages: DockerStage[] = [];
  for (const instruction of instructions(text)) {
    const [keyword, ...rest] = instruction.text.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      for (const declaration of rest) {
        const [name, value] = declaration.split('=');
        if (value !== undefined) args.set(name, value.replace(/^["']|["']$/g, ''));
      }
    } else if (upper === 'FROM') {
      const words = rest.filter(word => !word.startsWith('--'));
      const image = substitute(words[0] ?? '', args);
      const as = words.findIndex(word => word.toUpperCase() === 'AS');
      const name = as >= 0 ? words[as + 1]?.toLowerCase() : undefined;
      const baseStage = stages.find(stage => stage.name === image.toLowerCase());
      stages.push({ index: stages.length, image, name, line: instruction.line, copiesFrom: [], baseStage });
    } else if ((upper === 'COPY' || upper === 'ADD') && stages.length) {
      const from = rest.find(word => word.startsWith('--from='));
      if (from) stages[stages.length - 1].copiesFrom.push(from.slice('--from='.length).toLowerCase());
    }
  }
  return { file, stages };
}

export function dockerfilesOf(model: RepoModel): Dockerfile[] {
  return [...model.files]
    .filter(([file]) => DOCKERFILE_PATH.test(file) && !file.startsWith('node_modules/'))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, text]) => parseDockerfile(file, text));
}

/** The external image a stage starts from, following `FROM <earlier stage>`. */
export function baseImageOf(stage: DockerStage): string {
  return stage.baseStage ? baseImageOf(stage.baseStage) : stage.image;
}

/** The stages the final stage copies from, directly or through other stages. */
export function buildStagesOf(dockerfile: Dockerfile): DockerStage[] {
  const final = dockerfile.stages[dockerfile.stages.length - 1];
  if (!final) return [];
  const found = new Set<DockerStage>();
  const visit = (stage: DockerStage) => {
    for (const reference of stage.copiesFrom) {
      const source = dockerfile.stages.find(candidate => candidate.name === reference || String(candidate.index) === reference);
      if (source && source !== final && !found.has(source)) {
        found.add(source);
        visit(source);
      }
    }
  };
  visit(final);
  return [...found];
}

/** `scratch` and stage references are not registry images. */
export function isRegistryImage(stage: DockerStage): boolean {
  return !stage.baseStage && stage.image.toLowerCase() !== 'scratch' && !stage.image.includes('$');
}
