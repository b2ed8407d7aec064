import { auditConfig, checkpointFileConfig } from '@admit/audit';
import { intakeConfig } from '@admit/intake';
import { signingKeyConfig } from '@admit/keys';
import { adminConfig, busConfig, httpConfig, logConfig } from '@admit/platform';
import { policyConfig } from '@admit/policy';
import { revocationConfig } from '@admit/revocation';
import { dataDirConfig } from '@admit/store';
import { validatorConfig } from '@admit/validator';
import { Type } from '@sinclair/typebox';

/** All five services' variables (the same fragments the distributed apps compose), on the in-process bus and PGlite. */
export const EmbeddedConfig = Type.Object({
  ...httpConfig(8080),
  ...logConfig,
  ...busConfig,
  ...dataDirConfig,
  ...signingKeyConfig,
  ...adminConfig,
  ...intakeConfig,
  ...validatorConfig,
  ...policyConfig,
  ...revocationConfig,
  ...auditConfig,
  ...checkpointFileConfig,
});
