import { FetchError, FetchErrorCode, type Fetcher, type FetchResponse } from '@admit/metadata';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { STATEMENT_TYPE } from '../entity-statement';
import { TRUST_MARK_TYPE } from '../trust-marks';

export interface TestKey {
  privateKey: CryptoKey;
  jwk: JWK;
}

/** What a superior says about one subordinate, beyond its keys. */
export interface SubordinateOptions {
  metadata_policy?: Record<string, unknown>;
  metadata_policy_crit?: string[];
  constraints?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Publish these keys for the subordinate instead of its own (a superior that knows another key). */
  jwks?: JWK[];
  /** Seconds from now; default 3600. */
  expIn?: number;
}

export interface TestEntity {
  id: string;
  key: TestKey;
  authority_hints?: string[];
  metadata?: Record<string, Record<string, unknown>>;
  trust_marks?: { trust_mark_type: string; trust_mark: string }[];
  trust_mark_issuers?: Record<string, string[]>;
  /** Extra claims of its entity configuration (`crit`, say). */
  extra?: Record<string, unknown>;
  subordinates: Map<string, SubordinateOptions>;
  expIn?: number;
}

export async function testKey(kid = 'fed-1'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

/**
 * A federation held in memory and served by its own fetcher (no network): entity configurations at
 * `<id>/.well-known/openid-federation` and subordinate statements at `<id>/fetch?sub=…`, signed on
 * each request from the model, so a test changes the model and the next fetch sees it.
 * With a `base` (an https origin, say a loopback fixture's), entity ids are `<base>/<name>`, and
 * `serve` answers for them over real HTTPS; without one they are `https://<name>.fed.example`.
 */
export class TestFederation {
  readonly entities = new Map<string, TestEntity>();
  readonly requests: string[] = [];
  /** URLs that fail as the real fetcher would, with its code. */
  readonly failing = new Map<string, FetchErrorCode>();

  constructor(private readonly base?: string) {}

  async add(name: string, options: Partial<Omit<TestEntity, 'id' | 'key' | 'subordinates'>> = {}): Promise<TestEntity> {
    const id = this.base === undefined ? `https://${name}.fed.example` : `${this.base}/${name}`;
    const entity: TestEntity = { id, key: await testKey(), subordinates: new Map(), ...options };
    entity.metadata = { ...entity.metadata, federation_entity: { federation_fetch_endpoint: `${id}/fetch`, ...entity.metadata?.federation_entity } };
    this.entities.set(id, entity);
    return entity;
  }

  /** `superior` vouches for `subordinate`, which names it in its authority hints. */
  link(subordinate: TestEntity, superior: TestEntity, options: SubordinateOptions = {}): void {
    superior.subordinates.set(subordinate.id, options);
    subordinate.authority_hints = [...(subordinate.authority_hints ?? []), superior.id];
  }

  /** A trust mark about `subject`, signed by `signer`'s key and naming `issuer`. */
  async trustMark(type: string, subject: TestEntity, issuer: TestEntity, signer: TestKey = issuer.key, claims: Record<string, unknown> = {}): Promise<{ trust_mark_type: string; trust_mark: string }> {
    const jwt = await new SignJWT({ trust_mark_type: type, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: signer.jwk.kid, typ: TRUST_MARK_TYPE })
      .setIssuer(issuer.id)
      .setSubject(subject.id)
      .setIssuedAt()
      .sign(signer.privateKey);
    return { trust_mark_type: type, trust_mark: jwt };
  }

  readonly fetcher: Fetcher = {
    fetch: async (url: string, options: { maxBytes: number }): Promise<FetchResponse> => {
      this.requests.push(url);
      const failure = this.failing.get(url);
      if (failure) throw new FetchError(failure, `test: ${failure}`);
      const body = Buffer.from(await this.serve(url));
      if (body.length > options.maxBytes) throw new FetchError(FetchErrorCode.TooLarge, 'test: too large');
      return { url, status: 200, headers: { 'content-type': `application/${STATEMENT_TYPE}` }, body, fetchedAt: new Date() };
    },
  };

  /** The statement at `url`, signed now; a FetchError as the real fetcher would throw when there is none. */
  async serve(url: string): Promise<string> {
    const parsed = new URL(url);
    const [entity, path] = this.entityAt(parsed);
    if (!entity) throw new FetchError(FetchErrorCode.Dns, 'test: no such host');
    if (path === '/.well-known/openid-federation') {
      const { authority_hints, metadata, trust_marks, trust_mark_issuers, extra } = entity;
      return sign(entity.key, { iss: entity.id, sub: entity.id, jwks: { keys: [entity.key.jwk] }, authority_hints, metadata, trust_marks, trust_mark_issuers, ...extra }, entity.expIn);
    }
    const sub = parsed.searchParams.get('sub');
    const options = path === '/fetch' && sub ? entity.subordinates.get(sub) : undefined;
    const subordinate = sub ? this.entities.get(sub) : undefined;
    if (!options || !subordinate) throw new FetchError(FetchErrorCode.Status, 'test: 404', 404);
    const { jwks, expIn, ...claims } = options;
    return sign(entity.key, { iss: entity.id, sub, jwks: { keys: jwks ?? [subordinate.key.jwk] }, ...claims }, expIn);
  }

  /** The entity a URL is about, and the rest of its path after the entity id. */
  private entityAt(url: URL): [TestEntity | undefined, string] {
    if (this.base === undefined) return [this.entities.get(url.origin), url.pathname];
    const [, name, ...rest] = url.pathname.split('/');
    return [this.entities.get(`${url.origin}/${name}`), `/${rest.join('/')}`];
  }
}

function sign(key: TestKey, claims: Record<string, unknown>, expIn = 3600): Promise<string> {
  const defined = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(defined)
    .setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid, typ: STATEMENT_TYPE })
    .setIssuedAt(now - 10)
    .setExpirationTime(now + expIn)
    .sign(key.privateKey);
}
