export interface Config {
  slipway?: {
    /** The embedded backend's HTTP guards (packages/backend/src/http). */
    http?: {
      /**
       * Extra `Host` values the backend answers, as `host` or `host:port`, exactly as
       * clients send them (e.g. the name a reverse proxy forwards). The hosts of
       * `backend.baseUrl` and `app.baseUrl`, and `localhost` or an IP literal on the listen
       * port, are always answered; any other Host gets 421 (DNS rebinding guard).
       */
      allowedHosts?: string[];
    };
  };
}
