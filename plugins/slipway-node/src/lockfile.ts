import type { RenderedFile } from './render/renderer';

// Placeholder until the lockfile reconciliation lands: returns the files unchanged.
export function reconcileLockfile(files: RenderedFile[]): RenderedFile[] {
  return files;
}
