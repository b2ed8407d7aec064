import { AdapterFactory, AdapterPayload, OidcAdapter } from './adapter';

/**
 * Sessions, interactions, codes, grants and tokens in memory, each until it expires: for the example
 * and tests. A deployment passes an adapter over its own store (Redis, a database) instead.
 */
export function memoryAdapters(now: () => number = Date.now): AdapterFactory {
  const entries = new Map<string, { payload: AdapterPayload; until: number }>();
  const index = new Map<string, string>();
  const live = (key: string | undefined) => {
    const entry = key === undefined ? undefined : entries.get(key);
    if (!entry) return undefined;
    if (entry.until > now()) return entry.payload;
    entries.delete(key as string);
    return undefined;
  };
  return (model): OidcAdapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        for (const [k, until] of entries) if (until.until <= now()) entries.delete(k);
        entries.set(key(id), { payload, until: expiresIn === undefined ? Infinity : now() + expiresIn * 1000 });
        if (typeof payload.uid === 'string') index.set(`uid:${model}:${payload.uid}`, key(id));
        if (typeof payload.userCode === 'string') index.set(`userCode:${model}:${payload.userCode}`, key(id));
      },
      async find(id) {
        return live(key(id));
      },
      async findByUid(uid) {
        return live(index.get(`uid:${model}:${uid}`));
      },
      async findByUserCode(userCode) {
        return live(index.get(`userCode:${model}:${userCode}`));
      },
      async consume(id) {
        const payload = live(key(id));
        if (payload) payload.consumed = Math.floor(now() / 1000);
      },
      async destroy(id) {
        entries.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const [k, entry] of entries) if (entry.payload.grantId === grantId) entries.delete(k);
      },
    };
  };
}
