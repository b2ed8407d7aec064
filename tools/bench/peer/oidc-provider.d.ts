// The little of oidc-provider the peer uses: the package ships no types, and the peer needs no more.
declare module 'oidc-provider' {
  import { IncomingMessage, ServerResponse } from 'node:http';

  export default class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
