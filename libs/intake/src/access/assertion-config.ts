import { Type } from '@sinclair/typebox';
import { DEFAULT_JTI_QUOTA } from './jti-ledger';

/** Client assertion variables, shared by the intake app and embedded mode. */
export const assertionConfig = {
  /** Unexpired client-assertion jtis one client may hold; past it, its assertions get `ERR_CLIENT_ASSERTION_BUSY`. */
  ADMIT_CLIENT_ASSERTION_JTI_QUOTA: Type.Integer({ minimum: 1, maximum: 10_000_000, default: DEFAULT_JTI_QUOTA }),
};
