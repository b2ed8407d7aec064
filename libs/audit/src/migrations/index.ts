import { AuditEvents1764316800000 } from './1764316800000-audit-events';
import { AuditAppendOnly1764320400000 } from './1764320400000-audit-append-only';
import { AuditChain1764410400000 } from './1764410400000-audit-chain';
import { AuditQueryColumns1764414000000 } from './1764414000000-audit-query-columns';
import { AuditorViews1764421200000 } from './1764421200000-auditor-views';
import { AuditQueryIndexes1764424800000 } from './1764424800000-audit-query-indexes';
import { AuditReportDays1764510000000 } from './1764510000000-audit-report-days';
import { AuditPartitions1764550000000 } from './1764550000000-audit-partitions';
import { AuditChainHashChecks1765100000000 } from './1765100000000-audit-chain-hash-checks';
import { AuditSubjectIndex1765200000000 } from './1765200000000-audit-subject-index';

export { AUDITOR_ROLE } from './1764421200000-auditor-views';
export { AUDIT_PARTITION_DAYS_AHEAD } from './1764550000000-audit-partitions';
// No path alias here: jest's global setup loads these without them.

/** The audit service's tables (the trail, its chain and checkpoints, the report's days) and the auditors' views, oldest first. */
export const AUDIT_MIGRATIONS = [
  AuditEvents1764316800000,
  AuditAppendOnly1764320400000,
  AuditChain1764410400000,
  AuditQueryColumns1764414000000,
  AuditorViews1764421200000,
  AuditQueryIndexes1764424800000,
  AuditReportDays1764510000000,
  AuditPartitions1764550000000,
  AuditChainHashChecks1765100000000,
  AuditSubjectIndex1765200000000,
];
