// Real: the mapper, the sinks it builds (nothing is written or connected) and the session key file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditOptions } from './audit-config';

describe('auditOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'admit-audit-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const audit = { ADMIT_AUDIT_CHECKPOINT_INTERVAL_S: 60, ADMIT_AUDIT_CHECKPOINT_MAX_AGE_S: 900 };

  it('embedded mode: keys generated in the data folder, checkpoints also to a file, the console revoking through this process', () => {
    const options = auditOptions({ ...audit, ADMIT_DATA_DIR: dir });
    expect(options).toMatchObject({ checkpointIntervalMs: 60_000, checkpointMaxAgeS: 900, checkpointKey: { dataDir: dir }, revocationUrl: 'self' });
    expect(options.checkpointSink?.name).toBe(join(dir, 'audit-checkpoints.jsonl'));
    expect(options.consoleSessionKey?.length).toBeGreaterThanOrEqual(32);
  });

  it('the audit app: the key file only, checkpoints also to the prefixed Kafka topic, the console revoking through ADMIT_REVOCATION_URL', () => {
    const options = auditOptions({ ...audit, ADMIT_CHECKPOINT_KEY_FILE: 'keys.json', KAFKA_BROKERS: '127.0.0.1:9', ADMIT_KAFKA_TOPIC_PREFIX: 't1.', ADMIT_REVOCATION_URL: 'https://revocation.internal' });
    expect(options).toMatchObject({ checkpointKey: { file: 'keys.json', dataDir: undefined }, consoleSessionKey: undefined, revocationUrl: 'https://revocation.internal' });
    expect(options.checkpointSink?.name).toBe('Kafka topic t1.admit.audit.checkpoints.v1');
  });
});
