import { ClientAssertionJtis1764417600000 } from './1764417600000-client-assertion-jtis';
import { LiveAdmissions1764428400000 } from './1764428400000-live-admissions';

/** Intake's tables (`client_assertion_jtis`, `live_admissions`), oldest first. */
export const INTAKE_MIGRATIONS = [ClientAssertionJtis1764417600000, LiveAdmissions1764428400000];
