/** One problem of a refused client metadata document, as the CIMD checks report it. */
export function metadataProblem(code: string, description: string, error = 'invalid_client_metadata'): { code: string; error: string; description: string } {
  return { code, error, description };
}

/** A refusal carrying that one problem. */
export function refused(code: string, description: string, error?: string): { ok: false; problems: ReturnType<typeof metadataProblem>[] } {
  return { ok: false, problems: [metadataProblem(code, description, error)] };
}
