/**
 * What each figure of the evidence report shows, and the items of three frameworks it is evidence
 * for. Evidence for an item, not a claim of conformance: a figure shows what Admit recorded, and an
 * assessor decides what that is worth.
 */
export type FigureName = 'admissions_by_source' | 'metadata_backing' | 'revalidation' | 'revocations' | 'denials_by_reason';

export interface FrameworkItem {
  framework: 'NIST CSF 2.0' | 'OWASP Non-Human Identities Top 10 (2025)' | 'OWASP Agentic AI – Threats and Mitigations';
  id: string;
  title: string;
}

export interface Mapping {
  /** In plain words: what the figure shows, and what it does not. */
  evidences: string;
  items: FrameworkItem[];
}

const PR_AA_01: FrameworkItem = {
  framework: 'NIST CSF 2.0',
  id: 'PR.AA-01',
  title: 'Identities and credentials for authorized users, services, and hardware are managed by the organization',
};
const nhi = (id: string, title: string): FrameworkItem => ({ framework: 'OWASP Non-Human Identities Top 10 (2025)', id, title });
const agentic = (id: string, title: string): FrameworkItem => ({ framework: 'OWASP Agentic AI – Threats and Mitigations', id, title });

const NHI1 = nhi('NHI1:2025', 'Improper Offboarding');
const NHI2 = nhi('NHI2:2025', 'Secret Leakage');
const NHI3 = nhi('NHI3:2025', 'Vulnerable Third-Party NHI');
const NHI4 = nhi('NHI4:2025', 'Insecure Authentication');
const NHI7 = nhi('NHI7:2025', 'Long-Lived Secrets');
const T3 = agentic('T3', 'Privilege Compromise');
const T8 = agentic('T8', 'Repudiation & Untraceability');
const T9 = agentic('T9', 'Identity Spoofing & Impersonation');
const T13 = agentic('T13', 'Rogue Agents in Multi-Agent Systems');

export const FIGURE_MAPPINGS: Record<FigureName, Mapping> = {
  admissions_by_source: {
    evidences:
      'Every non-human client admitted in the window was admitted by a recorded decision, under a recorded policy version, and on metadata from a named source: ' +
      'a fetched client ID metadata document (cimd), a statement signed by a trust anchor (software_statement), an OpenID Federation trust chain to a configured trust anchor (federation), a workload\'s JWT-SVID from a configured SPIFFE trust domain (spiffe), an agent\'s client attestation signed by a configured attester (client_attestation), or the caller\'s own word (self_asserted). ' +
      'It shows who was let in and on what kind of evidence; it does not show that the clients behaved well afterwards.',
    items: [PR_AA_01, NHI3, T8, T9],
  },
  metadata_backing: {
    evidences:
      'The share of admissions whose validation stored a digest of the evidence: the fetched document (URL, SHA-256, status, cache lifetime) ' +
      'or the verified statement (SHA-256, anchor, kid, alg) or trust chain (each statement\'s SHA-256, the anchor, the path) or JWT-SVID (its SHA-256, the trust domain, its exp) or client attestation (its SHA-256, the attester, the key it binds, its exp). A backed admission is bound to a publisher or a trust anchor, not to what the caller claimed; ' +
      'the rest were admitted on self-asserted metadata, which only a policy that permits it admits.',
    items: [PR_AA_01, NHI3, NHI4, T9],
  },
  revalidation: {
    evidences:
      'How often admitted clients were checked again: access checks decided from a fresh admission (local) or after admitting the client again (pipeline), ' +
      'and how many times each client was admitted in the window. Admissions are short-lived (15 minutes by default), so a client keeps its standing only by passing again; ' +
      'few checks per client mean the gateway asked rarely, not that the clients were sound.',
    items: [PR_AA_01, NHI7, T3],
  },
  revocations: {
    evidences:
      'Each revocation recorded in the window, who made it and why, and the time from the revocation event to the first denial naming it (revoked:<kind>) ' +
      'for a client it covers. "Not observed" means no covered client asked after the revocation, not that the revocation failed; ' +
      'the time is an upper bound on how long a revoked identity could still act.',
    items: [PR_AA_01, NHI1, T3, T13],
  },
  denials_by_reason: {
    evidences:
      'Every denied registration and access check in the window, by the stable reason code it recorded: invalid or unapproved statements, documents that break ' +
      'the rules or carry secrets, revoked clients, refused client assertions, policy denials. It shows the controls refusing, with their reasons; ' +
      'it cannot show attempts that never reached Admit.',
    items: [PR_AA_01, NHI2, NHI4, T8, T9],
  },
};
