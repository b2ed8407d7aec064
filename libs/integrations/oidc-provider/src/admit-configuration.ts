import { AdmitClient } from '@admit/client';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AdapterFactory } from './adapter';
import { AdmitClientAdapter, ClientAdapterOptions } from './admit-client-adapter';
import { memoryAdapters } from './memory-adapter';

export interface AdmitProviderOptions {
  admit: AdmitClient;
  /** Admit's public URL, where clients register (`registration_endpoint`). */
  admitUrl: string;
  /** The store of every other model (sessions, codes, tokens…); default: in memory, for development. */
  adapters?: AdapterFactory;
  client?: ClientAdapterOptions;
}

/**
 * The parts of an oidc-provider configuration that make it stateless about clients: merge them into
 * your configuration. Clients are found at Admit (see AdmitClientAdapter); oidc-provider's own
 * registration and its own `clientIdMetadataDocument` fetch stay off, so the only way in is an
 * admission (a CIMD client Admit denies cannot be fetched by the provider instead); discovery points
 * registration at Admit and says client ID metadata documents are supported (Admit resolves them).
 */
export function admitProviderConfiguration(options: AdmitProviderOptions) {
  const clients = new AdmitClientAdapter(options.admit, options.client);
  const others = options.adapters ?? memoryAdapters();
  const adapter: AdapterFactory = (model) => (model === 'Client' ? clients : others(model));
  return {
    adapter,
    clients,
    features: {
      registration: { enabled: false },
      registrationManagement: { enabled: false },
      clientIdMetadataDocument: { enabled: false },
    },
    discovery: {
      registration_endpoint: `${options.admitUrl.replace(/\/+$/, '')}/register`,
      client_id_metadata_document_supported: true,
    },
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves RFC 8414 `/.well-known/oauth-authorization-server` (oidc-provider serves only OpenID
 * discovery) with the same document as `/.well-known/openid-configuration`.
 */
export function withAuthorizationServerMetadata(callback: Handler, mountPath = ''): Handler {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === `${mountPath}/.well-known/oauth-authorization-server`) req.url = `${mountPath}/.well-known/openid-configuration`;
    callback(req, res);
  };
}
