import { BlockList, isIP } from 'node:net';

type Range = readonly [name: string, network: string, prefix: number];

// Order matters: the first match names the range, so the narrow, well-known ranges come first.
const IPV4: readonly Range[] = [
  ['cloud-metadata', '169.254.169.254', 32], // AWS, GCP, Azure, OpenStack
  ['cloud-metadata', '169.254.170.2', 32], // AWS ECS task metadata
  ['cloud-metadata', '100.100.100.200', 32], // Alibaba Cloud
  ['broadcast', '255.255.255.255', 32],
  ['this-network', '0.0.0.0', 8],
  ['private', '10.0.0.0', 8],
  ['cgnat', '100.64.0.0', 10],
  ['loopback', '127.0.0.0', 8],
  ['link-local', '169.254.0.0', 16],
  ['private', '172.16.0.0', 12],
  ['ietf-protocol-assignments', '192.0.0.0', 24],
  ['documentation', '192.0.2.0', 24],
  ['6to4-relay-anycast', '192.88.99.0', 24],
  ['private', '192.168.0.0', 16],
  ['benchmarking', '198.18.0.0', 15],
  ['documentation', '198.51.100.0', 24],
  ['documentation', '203.0.113.0', 24],
  ['multicast', '224.0.0.0', 4],
  ['reserved', '240.0.0.0', 4],
];

const IPV6: readonly Range[] = [
  ['cloud-metadata', 'fd00:ec2::254', 128], // AWS IMDS over IPv6
  ['unspecified', '::', 128],
  ['loopback', '::1', 128],
  // ::a.b.c.d reaches an IPv4 host on some stacks; nothing public lives here.
  ['ipv4-compatible', '::', 96],
  // Blocked whole, not by the embedded IPv4 address: a mapped or translated address is a way
  // around an IPv4 rule, never a reason to fetch.
  ['ipv4-mapped', '::ffff:0:0', 96],
  ['nat64', '64:ff9b::', 96],
  ['nat64', '64:ff9b:1::', 48],
  ['discard-only', '100::', 64],
  ['teredo', '2001::', 32],
  ['ietf-protocol-assignments', '2001::', 23],
  ['documentation', '2001:db8::', 32],
  ['6to4', '2002::', 16],
  ['documentation', '3fff::', 20],
  ['unique-local', 'fc00::', 7],
  ['link-local', 'fe80::', 10],
  ['multicast', 'ff00::', 8],
];

function compile(ranges: readonly Range[], family: 'ipv4' | 'ipv6'): Array<[string, BlockList]> {
  return ranges.map(([name, network, prefix]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return [name, list];
  });
}

// Separate lists per family: a BlockList IPv6 rule such as ::ffff:0:0/96 also matches plain IPv4
// addresses, which would block the whole IPv4 internet under the wrong name.
const V4_LISTS = compile(IPV4, 'ipv4');
const V6_LISTS = compile(IPV6, 'ipv6');
const GLOBAL_UNICAST = compile([['global-unicast', '2000::', 3]], 'ipv6')[0][1];

/**
 * The RFC 6890 (and successors) special-use range an address falls in, or null for an ordinary
 * public address. Fails closed: anything that is not an IP address is reported as one.
 */
export function specialUseRange(ip: string): string | null {
  // URL hostnames bracket IPv6 literals; a zone id only ever scopes a link-local address.
  const bare = ip.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return V4_LISTS.find(([, list]) => list.check(bare, 'ipv4'))?.[0] ?? null;
  if (family === 6) {
    const named = V6_LISTS.find(([, list]) => list.check(bare, 'ipv6'))?.[0];
    if (named) return named;
    // Everything public in IPv6 is allocated from 2000::/3; the rest is reserved or future use.
    return GLOBAL_UNICAST.check(bare, 'ipv6') ? null : 'not-global-unicast';
  }
  return 'not-an-ip-address';
}

export function isSpecialUseAddress(ip: string): boolean {
  return specialUseRange(ip) !== null;
}
