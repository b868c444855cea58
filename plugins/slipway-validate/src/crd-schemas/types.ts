/** One generated file of this folder (scripts/generate-crd-schemas.js): a CRD's provenance and its AJV schemas. */
export interface CrdSchemaFile {
  generatedBy: string;
  /** The upstream CRD file: repository, release tag, commit, path and git blob id. */
  source: { repo: string; tag: string; commit: string; path: string; blob: string };
  group: string;
  kind: string;
  plural: string;
  scope: string;
  /** CEL rules (`x-kubernetes-validations`) of the CRD, which only the API server can run. */
  droppedCelRules: number;
  /** Served version → AJV schema of the whole object. */
  versions: Record<string, object>;
}
