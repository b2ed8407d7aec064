import { AUDIT_MIGRATIONS } from '@admit/audit';
import { INTAKE_MIGRATIONS } from '@admit/intake';
import { REVOCATION_MIGRATIONS } from '@admit/revocation';
import { ALL_MIGRATIONS } from './database';

const names = (migrations: readonly (new () => { name?: string })[]) => migrations.map((M) => new M().name);

describe('the migrations, by owner', () => {
  // TypeORM knows a migration that ran by this name alone (admit_migrations): renaming one would run it again.
  it('keep the names every database already recorded, each owned by exactly one service', () => {
    expect({ audit: names(AUDIT_MIGRATIONS), revocation: names(REVOCATION_MIGRATIONS), intake: names(INTAKE_MIGRATIONS) }).toEqual({
      audit: [
        'AuditEvents1764316800000',
        'AuditAppendOnly1764320400000',
        'AuditChain1764410400000',
        'AuditQueryColumns1764414000000',
        'AuditorViews1764421200000',
        'AuditQueryIndexes1764424800000',
        'AuditReportDays1764510000000',
        'AuditPartitions1764550000000',
        'AuditChainHashChecks1765100000000',
        'AuditSubjectIndex1765200000000',
      ],
      revocation: ['Revocations1764406800000', 'RevocationKindIntermediate1764520000000', 'RevocationKindsSpiffe1764530000000', 'RevocationKindAttester1764540000000'],
      intake: ['ClientAssertionJtis1764417600000', 'LiveAdmissions1764428400000'],
    });
  });

  it('ALL_MIGRATIONS is every owner’s, each once, each named by its class', () => {
    expect(new Set(names(ALL_MIGRATIONS)).size).toBe(16);
    expect(names(ALL_MIGRATIONS)).toEqual([...names(AUDIT_MIGRATIONS), ...names(REVOCATION_MIGRATIONS), ...names(INTAKE_MIGRATIONS)]);
    for (const M of ALL_MIGRATIONS) expect(new M().name).toBe(M.name);
  });
});
