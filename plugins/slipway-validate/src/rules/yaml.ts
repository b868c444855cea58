import { defineRules } from './types';

/** Rules of the YAML stage: every file must parse before anything else is judged. */
export const yamlRules = defineRules([
  {
    id: 'yaml-syntax',
    check: 'yaml',
    summary: 'Every YAML file parses, with unique keys in each mapping: a duplicate key silently keeps one value, and kubectl or Argo CD reject a broken file.',
    remediation: 'Fix the syntax at the reported line (indentation, an unclosed quote or bracket), or remove the repeated key so each mapping names every key once.',
    source: 'https://yaml.org/spec/1.2.2/#mapping ("the keys are unique")',
  },
  {
    id: 'file-too-large',
    check: 'yaml',
    summary: 'No file in the repo is over 4 MiB: larger files are not read, so nothing in them is checked.',
    remediation: 'Keep build outputs, archives and data out of Git (add them to .gitignore); manifests of a service are a few KiB.',
  },
]);
