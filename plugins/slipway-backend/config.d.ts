export interface Config {
  slipway?: {
    /**
     * Folder where Slipway keeps its data. Published repos are bare Git repos in
     * `<dataDir>/repos/<name>.git`, served read-only under `/api/slipway`. Relative paths
     * resolve against the backend's working directory.
     */
    dataDir?: string;
  };
}
