/** One file of a rendered repo, relative to the repo root with '/' separators. */
export interface RenderedFile {
  path: string;
  content: string;
  executable: boolean;
}
