import path from 'path';

/** The file names kustomize recognises, in the order it tries them (api/konfig/general.go, RecognizedKustomizationFileNames). */
export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** True when the repo path names a kustomization file (any folder). */
export function isKustomizationFile(file: string): boolean {
  return (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(path.posix.basename(file));
}

/** The kustomization file of a repo folder ('' for the root) among the repo's files, if it has one. */
export function kustomizationFileIn(files: { has(file: string): boolean }, dir: string): string | undefined {
  return KUSTOMIZATION_FILE_NAMES.map(name => (dir ? `${dir}/${name}` : name)).find(file => files.has(file));
}
