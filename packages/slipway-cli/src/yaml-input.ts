import { LineCounter, parseDocument } from 'yaml';
import { describeDuplicateKey, duplicateKeys } from '@slipway/render';
import { CliError } from './errors';

const SHOWN_ERRORS = 10;

function invalid(label: string, messages: string[]): CliError {
  const shown = messages.slice(0, SHOWN_ERRORS).map(message => `  ${message}`);
  if (messages.length > SHOWN_ERRORS) shown.push(`  and ${messages.length - SHOWN_ERRORS} more`);
  return new CliError(`${label} is not valid YAML:\n${shown.join('\n')}`);
}

/**
 * Parses one YAML document from an input file into plain data, in time linear in its size.
 * Syntax errors, duplicate keys, unresolved aliases and alias bombs are `CliError`s (exit 2)
 * that start with `label`, e.g. `values file v.yaml is not valid YAML:`.
 */
export function parseYamlInput(text: string, label: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
  if (doc.errors.length) throw invalid(label, doc.errors.map(error => error.message));
  // Linear, unlike yaml's own uniqueKeys check (see duplicateKeys).
  const duplicates = duplicateKeys(doc, lineCounter).map(duplicate => `line ${duplicate.line}: ${describeDuplicateKey(duplicate)}`);
  if (duplicates.length) throw invalid(label, duplicates);
  try {
    // yaml stops an alias bomb (billion laughs) at maxAliasCount and throws on `*x` without `&x`.
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = /alias count/i.test(message) ? ' (its aliases expand too far: an input file needs no aliases)' : '';
    throw invalid(label, [`${message}${hint}`]);
  }
}
