/**
 * Control characters (C0 except newline and tab, DEL, C1) rewritten as visible `\u001b`-style
 * escapes. Values files, repos and template runs are untrusted input that the CLI quotes back;
 * raw ESC or BEL bytes would let them recolour, retitle or rewrite the user's terminal.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, char => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
