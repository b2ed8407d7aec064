/** What an admin credential may do. A token carries a list of these; each admin route requires one. */
export const AdminScope = {
  RevocationsWrite: 'revocations:write',
  RevocationsRead: 'revocations:read',
  AuditRead: 'audit:read',
} as const;

export type AdminScope = (typeof AdminScope)[keyof typeof AdminScope];

export const ADMIN_SCOPES: readonly AdminScope[] = Object.values(AdminScope);

export function isAdminScope(value: unknown): value is AdminScope {
  return typeof value === 'string' && (ADMIN_SCOPES as readonly string[]).includes(value);
}
