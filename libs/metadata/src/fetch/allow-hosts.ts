/**
 * Parses ADMIT_FETCH_ALLOW_HOSTS (comma list of exact `host:port`, IPv6 in brackets) for
 * SafeFetcher's `allowLoopback`. Unset or empty means none: the safe default.
 */
export function parseAllowHosts(value: string | undefined): string[] {
  if (!value?.trim()) return [];
  return value.split(',').map((entry) => {
    const trimmed = entry.trim();
    const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(trimmed);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      throw new Error(`ADMIT_FETCH_ALLOW_HOSTS: ${JSON.stringify(trimmed)} is not host:port`);
    }
    // The URL parser lower-cases hostnames, so the entry is compared the same way.
    return `${match[1].toLowerCase()}:${port}`;
  });
}
