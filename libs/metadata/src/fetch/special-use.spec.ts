// Real: node:net BlockList and the WHATWG URL parser. Nothing is stubbed, nothing connects.
import { isSpecialUseAddress, specialUseRange } from './special-use';

describe('specialUseRange', () => {
  it.each([
    ['0.0.0.0', 'this-network'],
    ['0.255.255.255', 'this-network'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.0', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'cloud-metadata'],
    ['169.254.170.2', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'ietf-protocol-assignments'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', '6to4-relay-anycast'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::7f00:1', 'ipv4-compatible'],
    ['::ffff:127.0.0.1', 'ipv4-mapped'],
    ['::ffff:7f00:1', 'ipv4-mapped'],
    ['::ffff:8.8.8.8', 'ipv4-mapped'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'ipv4-mapped'],
    ['64:ff9b::7f00:1', 'nat64'],
    ['64:ff9b::8.8.8.8', 'nat64'],
    ['64:ff9b:1::1', 'nat64'],
    ['100::1', 'discard-only'],
    ['2001::1', 'teredo'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['2001:10::1', 'ietf-protocol-assignments'],
    ['2001:1ff:ffff::1', 'ietf-protocol-assignments'],
    ['2001:db8::1', 'documentation'],
    ['2002:7f00:1::1', '6to4'],
    ['3fff::1', 'documentation'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'not-global-unicast'],
    ['4000::1', 'not-global-unicast'],
    ['[::1]', 'loopback'],
  ])('%s is %s', (ip, range) => {
    expect(specialUseRange(ip)).toBe(range);
  });

  it.each(['8.8.8.8', '1.1.1.1', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.1', '192.169.0.1', '198.20.0.0', '223.255.255.255', '2606:4700:4700::1111', '2001:200::1', '2a00:1450:4001::200e'])(
    '%s is an ordinary public address',
    (ip) => {
      expect(specialUseRange(ip)).toBeNull();
      expect(isSpecialUseAddress(ip)).toBe(false);
    },
  );

  it.each(['', 'localhost', '127.1', '2130706433', '0x7f.1', '1.2.3.4.5', '::ffff:0127.0.0.1', '__proto__', '[]'])('fails closed on %j, which is not an IP address', (input) => {
    expect(specialUseRange(input)).toBe('not-an-ip-address');
    expect(isSpecialUseAddress(input)).toBe(true);
  });

  // Numeric notations that WHATWG URL parsing turns into a canonical IP: the guard sees the result.
  it.each([
    ['https://2130706433/', '127.0.0.1', 'loopback'],
    ['https://127.1/', '127.0.0.1', 'loopback'],
    ['https://0x7f.1/', '127.0.0.1', 'loopback'],
    ['https://0177.0.0.1/', '127.0.0.1', 'loopback'],
    ['https://0x7f000001/', '127.0.0.1', 'loopback'],
    ['https://%31%32%37.0.0.1/', '127.0.0.1', 'loopback'],
    ['https://127.0.0.1./', '127.0.0.1', 'loopback'],
    ['https://0/', '0.0.0.0', 'this-network'],
    ['https://2852039166/', '169.254.169.254', 'cloud-metadata'],
    ['https://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254', 'cloud-metadata'],
    ['https://012.1/', '10.0.0.1', 'private'],
    ['https://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]', 'ipv4-mapped'],
    ['https://[::ffff:7f00:1]/', '[::ffff:7f00:1]', 'ipv4-mapped'],
    ['https://[0:0:0:0:0:ffff:7f00:1]/', '[::ffff:7f00:1]', 'ipv4-mapped'],
    ['https://[::1]/', '[::1]', 'loopback'],
    ['https://[::]/', '[::]', 'unspecified'],
    ['https://[64:ff9b::a9fe:a9fe]/', '[64:ff9b::a9fe:a9fe]', 'nat64'],
  ])('URL %s parses to host %s, which is %s', (raw, hostname, range) => {
    const { hostname: parsed } = new URL(raw);
    expect(parsed).toBe(hostname);
    expect(specialUseRange(parsed)).toBe(range);
  });
});
