import type { ModelCheck, RepoModel, ValidationProblem } from '../types';
import {
  asRecord,
  asString,
  asStringMap,
  containersOf,
  fileProblem,
  getPath,
  isEmpty,
  objectSets,
  objectsOfKind,
  parseYamlDocuments,
  podTemplates,
  problemsFor,
  recordsOf,
  yamlFiles,
  type ObjectSet,
} from '../kube';

/**
 * Credentials never live in Git. Secret values come from an operator (External Secrets,
 * Sealed Secrets, CloudNativePG's generated `<cluster>-app`), not from the repo.
 */

const problem = problemsFor('policy');
const SECRET_ADVICE = 'use an ExternalSecret, a SealedSecret or an operator-made Secret (e.g. CloudNativePG <cluster>-app) instead';

/** Any `kind: Secret` with values, in any YAML file of the repo (not only deployed ones). */
function committedSecrets(model: RepoModel): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const { path, text } of yamlFiles(model)) {
    // includes() first: a plain scan, where the patterns try every position of every file.
    const mayHold = (text.includes('Secret') && /kind:\s*["']?Secret\b/.test(text)) || (text.includes('secretGenerator') && /secretGenerator\s*:/.test(text));
    if (!mayHold) continue;
    for (const document of parseYamlDocuments(text, path)) {
      const record = asRecord(document.value);
      if (!record) continue;
      if (record.kind === 'Secret' && (!isEmpty(record.data) || !isEmpty(record.stringData))) {
        const name = asString(getPath(record, 'metadata', 'name')) ?? '(unnamed)';
        const field = isEmpty(record.data) ? 'stringData' : 'data';
        out.push({
          check: 'policy',
          rule: 'secret-in-git',
          file: path,
          object: `Secret/${name}`,
          message: `Secret/${name} ${field}: a Secret with values is committed to Git (${path}): ${SECRET_ADVICE}`,
        });
      }
      // kustomize's secretGenerator turns literals and files in the repo into Secrets.
      for (const { record: generator, index } of recordsOf(record.secretGenerator)) {
        const name = asString(generator.name) ?? '(unnamed)';
        out.push(fileProblem('policy', 'secret-in-git', path, `secretGenerator[${index}]`,
          `generates Secret/${name} from values kept in Git: ${SECRET_ADVICE}`));
      }
    }
  }
  return out;
}

/** Qualifiers that make a credential-sounding name harmless: it names, locates or times a secret. */
const HARMLESS_SUFFIXES = new Set([
  'NAME', 'FILE', 'PATH', 'DIR', 'REF', 'URL', 'HOST', 'PORT', 'TTL', 'TIMEOUT', 'EXPIRY', 'ID',
  'HEADER', 'LENGTH', 'ENABLED', 'KIND', 'TYPE', 'PREFIX', 'SIZE', 'COUNT', 'FORMAT',
]);

/** Env names like DB_PASSWORD, API_TOKEN, CLIENT_SECRET, STRIPE_KEY. */
export function looksLikeCredentialName(name: string): boolean {
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (words.length === 0 || HARMLESS_SUFFIXES.has(words[words.length - 1])) return false;
  return words.some(word => /PASSWORD|PASSWD|SECRET|TOKEN/.test(word) || /KEY$/.test(word));
}

/** A literal value, not a `$(OTHER_VAR)` expansion or an empty placeholder. */
function isLiteral(value: string): boolean {
  return value.trim() !== '' && !/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value.trim());
}

function plaintextCredentials(set: ObjectSet): ValidationProblem[] {
  const out: ValidationProblem[] = [];
  for (const template of podTemplates(set)) {
    for (const ref of containersOf(template)) {
      for (const { record: env, index } of recordsOf(ref.container.env)) {
        const name = asString(env.name) ?? '';
        const value = asString(env.value);
        if (value !== undefined && isLiteral(value) && looksLikeCredentialName(name)) {
          out.push(problem('env-plaintext-credential', template.loaded, `${ref.path}.env[${index}].value`,
            `${name} is set to a literal value: credentials come from a Secret (valueFrom.secretKeyRef), never from the manifest`));
        }
      }
    }
  }
  for (const loaded of objectsOfKind(set, 'ConfigMap')) {
    for (const [key, value] of Object.entries(asStringMap(loaded.object.data))) {
      if (isLiteral(value) && looksLikeCredentialName(key)) {
        out.push(problem('env-plaintext-credential', loaded, `data.${key}`,
          'looks like a credential kept in a ConfigMap: credentials belong in a Secret made by an operator'));
      }
    }
  }
  return out;
}

export const checkCommittedSecrets: ModelCheck = committedSecrets;
export const checkPlaintextCredentials: ModelCheck = model => objectSets(model).flatMap(plaintextCredentials);
