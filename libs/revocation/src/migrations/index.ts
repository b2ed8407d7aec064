import { Revocations1764406800000 } from './1764406800000-revocations';
import { RevocationKindIntermediate1764520000000 } from './1764520000000-revocation-kind-intermediate';
import { RevocationKindsSpiffe1764530000000 } from './1764530000000-revocation-kinds-spiffe';
import { RevocationKindAttester1764540000000 } from './1764540000000-revocation-kind-attester';

/** The revocation service's tables (`revocations`, `revocation_outbox`), oldest first. */
export const REVOCATION_MIGRATIONS = [Revocations1764406800000, RevocationKindIntermediate1764520000000, RevocationKindsSpiffe1764530000000, RevocationKindAttester1764540000000];
