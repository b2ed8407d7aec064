/** What oidc-provider stores through an adapter (its `Adapter` interface; the package ships no types). */
export type AdapterPayload = Record<string, unknown>;

export interface OidcAdapter {
  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/** oidc-provider's `adapter` option as a factory: one adapter per model name (`Client`, `Session`, …). */
export type AdapterFactory = (model: string) => OidcAdapter;
