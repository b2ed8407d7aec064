import { createLocalJWKSet, decodeJwt, JSONWebKeySet, JWTPayload, jwtVerify } from 'jose';
import { ChainHead, CHECKPOINT_ISSUER, CHECKPOINT_TYP, checkpointDigest, sameHeads } from '../checkpoint/chain-heads';
import { ExternalCheckpoint } from '../checkpoint/external-checkpoints';
import { CheckpointReader } from './checkpoint-reader';
import { CheckpointProblem, CheckpointsReport } from './verify-report';

const PAGE = 1_000;
/** Missing numbers listed in one problem; the count says how many there are in all. */
const LISTED = 10;

export interface CheckpointCheckOptions {
  /** The public checkpoint keys; without them signatures (and so the numbering) are not checked. */
  jwks?: JSONWebKeySet;
  /**
   * The copy kept outside the database (file or topic), in the order it was written, read before the
   * database's checkpoints. `reread` reads it again: a checkpoint the service stored while the copy
   * was being read reaches the copy just after, and is not missing from it.
   */
  external?: { source: string; checkpoints: ExternalCheckpoint[]; reread?: () => Promise<ExternalCheckpoint[]> };
  /** Fail when the newest signed checkpoint is older than this. */
  maxAgeS?: number;
  now?: Date;
}

type Claims = JWTPayload & { seq?: unknown; prev?: unknown; heads?: unknown };
type Problem = CheckpointsReport['problems'][number];

/**
 * Checks the stored checkpoints (each signature, the stored heads against the signed ones, their
 * numbering), compares them with the external copy (every checkpoint there must still be in the
 * database, unchanged, and every numbered one in the database must be there), checks the chains
 * against the newest signed heads (truncated: shorter than signed; rewritten: another hash at a signed
 * position), and the age of the newest checkpoint.
 */
export async function verifyCheckpoints(reader: CheckpointReader, options: CheckpointCheckOptions): Promise<CheckpointsReport> {
  const now = options.now ?? new Date();
  const keys = options.jwks && createLocalJWKSet(options.jwks);
  const problems: Problem[] = [];
  const problem = (seq: string | null, code: CheckpointProblem, description: string) => problems.push({ seq, code, description });
  const verified = async (jws: string): Promise<Claims | Error> => {
    if (!keys) return decodeJwt(jws) as Claims;
    try {
      return (await jwtVerify(jws, keys, { typ: CHECKPOINT_TYP, issuer: CHECKPOINT_ISSUER })).payload as Claims;
    } catch (err) {
      return err as Error;
    }
  };
  const report: CheckpointsReport = {
    count: 0,
    signatures_checked: keys !== undefined,
    latest: null,
    external: null,
    max_age_s: options.maxAgeS ?? null,
    problems,
  };

  // The database's checkpoints, in number order: numbered ones must each follow the one before.
  const stored = new Map<string, { digest: string; numbered: boolean }>();
  let previous: { seq: string; jws: string } | undefined;
  let newest: { seq: string; iat: number; heads: ChainHead[] } | undefined;
  for (let after = '0'; ; ) {
    const rows = await reader.page(after, PAGE);
    for (const row of rows) {
      report.count++;
      report.latest = { seq: row.seq, created_at: new Date(row.created_at).toISOString(), kid: row.kid };
      const claims = await verified(row.jws).catch((err: Error) => err);
      if (claims instanceof Error) {
        problem(row.seq, CheckpointProblem.Signature, `the signature does not verify: ${claims.message}`);
      } else {
        const heads = Array.isArray(claims.heads) ? (claims.heads as ChainHead[]) : [];
        if (!sameHeads(heads, row.heads)) problem(row.seq, CheckpointProblem.Altered, 'the stored heads are not the signed ones');
        if (claims.seq !== undefined) followOn(problem, 'the database', previous, { seq: row.seq, claims });
        newest = { seq: row.seq, iat: Number(claims.iat), heads };
      }
      stored.set(row.seq, { digest: checkpointDigest(row.jws), numbered: !(claims instanceof Error) && claims.seq !== undefined });
      previous = row;
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1].seq;
  }

  let pinned = newest && { ...newest, which: 'the latest stored checkpoint' };
  if (options.external) {
    const { source, checkpoints } = options.external;
    const seen = new Set<string>();
    let before: { seq: string; jws: string } | undefined;
    let newestExternal: typeof newest;
    for (const record of checkpoints) {
      // A record written twice (a producer retry, two instances catching up) says nothing new.
      if (before && record.seq === before.seq && record.jws === before.jws) continue;
      const claims = await verified(record.jws).catch((err: Error) => err);
      if (claims instanceof Error) {
        problem(record.seq, CheckpointProblem.Signature, `${source}: the signature does not verify: ${claims.message}`);
        continue;
      }
      followOn(problem, source, before, { seq: record.seq, claims }, true);
      seen.add(record.seq);
      const inDb = stored.get(record.seq);
      if (!inDb) problem(record.seq, CheckpointProblem.Removed, `checkpoint ${record.seq} of ${source} is not in the database: it was removed`);
      else if (inDb.digest !== checkpointDigest(record.jws)) problem(record.seq, CheckpointProblem.Replaced, `the database holds another checkpoint ${record.seq} than ${source}`);
      before = record;
      if (!newestExternal || BigInt(record.seq) > BigInt(newestExternal.seq)) {
        newestExternal = { seq: record.seq, iat: Number(claims.iat), heads: Array.isArray(claims.heads) ? (claims.heads as ChainHead[]) : [] };
      }
    }
    let absent = [...stored].filter(([seq, s]) => s.numbered && !seen.has(seq)).map(([seq]) => seq);
    if (absent.length > 0 && options.external.reread) {
      const since = new Map((await options.external.reread()).map((record) => [record.seq, checkpointDigest(record.jws)]));
      absent = absent.filter((seq) => since.get(seq) !== stored.get(seq)?.digest);
    }
    if (absent.length > 0) {
      const listed = absent.slice(0, LISTED).join(', ') + (absent.length > LISTED ? ', …' : '');
      problem(absent[0], CheckpointProblem.Missing, `${absent.length} checkpoint(s) of the database are missing from ${source}: ${listed}`);
    }
    report.external = { source, count: checkpoints.length, latest_seq: newestExternal?.seq ?? null };
    // The external copy is the one the database role cannot shorten: its newest checkpoint pins the chains.
    if (newestExternal && (!pinned || BigInt(newestExternal.seq) >= BigInt(pinned.seq))) pinned = { ...newestExternal, which: `the latest checkpoint of ${source}` };
    if (newestExternal && (!newest || newestExternal.iat > newest.iat)) newest = newestExternal;
  }

  if (pinned) await checkChains(reader, pinned, problem);

  if (options.maxAgeS !== undefined) {
    if (!newest) problem(null, CheckpointProblem.Stale, `no signed checkpoint at all; one is required within ${options.maxAgeS} s`);
    else if (now.getTime() / 1000 - newest.iat > options.maxAgeS) {
      problem(newest.seq, CheckpointProblem.Stale, `the newest checkpoint (${newest.seq}) was signed at ${new Date(newest.iat * 1000).toISOString()}, more than ${options.maxAgeS} s ago`);
    }
  }
  return report;
}

/** A numbered checkpoint must carry its own number and follow the one before it: number + 1, `prev` = its digest. */
function followOn(
  problem: (seq: string | null, code: CheckpointProblem, description: string) => void,
  where: string,
  before: { seq: string; jws: string } | undefined,
  current: { seq: string; claims: Claims },
  external = false,
): void {
  const { seq, claims } = current;
  if (typeof claims.seq !== 'number' || String(claims.seq) !== seq) {
    problem(seq, CheckpointProblem.OutOfSequence, `${where}: checkpoint ${seq} is signed as number ${String(claims.seq)}`);
    return;
  }
  const expected = before ? BigInt(before.seq) + 1n : external ? undefined : 1n;
  if (before && BigInt(seq) <= BigInt(before.seq)) {
    problem(seq, CheckpointProblem.OutOfSequence, `${where}: checkpoint ${seq} comes after checkpoint ${before.seq}`);
  } else if (expected !== undefined && BigInt(seq) > expected) {
    const last = BigInt(seq) - 1n;
    problem(seq, CheckpointProblem.Missing, `${where}: checkpoint${last > expected ? `s ${expected}–${last} are` : ` ${expected} is`} missing before checkpoint ${seq}`);
  } else if (before && claims.prev !== checkpointDigest(before.jws)) {
    problem(seq, CheckpointProblem.OutOfSequence, `${where}: checkpoint ${seq} does not follow checkpoint ${before.seq} (its prev digest is another checkpoint's)`);
  }
}

/** The chains must still reach each signed head with the signed hash there. */
async function checkChains(
  reader: CheckpointReader,
  pinned: { seq: string; heads: ChainHead[]; which: string },
  problem: (seq: string | null, code: CheckpointProblem, description: string) => void,
): Promise<void> {
  const links = await reader.linksAt(pinned.heads.map((h) => ({ topic: h.topic, partition: h.partition, position: h.length })));
  pinned.heads.forEach((head, i) => {
    const link = links[i];
    const chain = `${head.topic}/${head.partition}`;
    if (!link || link.head_length < head.length) {
      problem(pinned.seq, CheckpointProblem.Truncated, `${chain} ends at length ${link?.head_length ?? 0}, but ${pinned.which} (${pinned.seq}) signed length ${head.length}: events were removed from its end`);
    } else if (link.hash === null) {
      problem(pinned.seq, CheckpointProblem.Truncated, `${chain} has no link at position ${head.length}, which ${pinned.which} (${pinned.seq}) signed: links were removed`);
    } else if (link.hash !== head.hash) {
      problem(
        pinned.seq,
        CheckpointProblem.Rewritten,
        `${chain} at position ${head.length}: ${pinned.which} (${pinned.seq}) signed ${head.hash}, the chain has ${link.hash}: its links were recomputed after the checkpoint`,
      );
    }
  });
}
