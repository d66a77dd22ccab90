/**
 * Which IP addresses are never a public document server: the IANA special-purpose IPv4
 * blocks and the IPv6 ranges that are local, private, documentation or tunnels of those.
 * Used on URL hosts written as addresses and on what a host name resolves to.
 */
/** IPv4 special-purpose blocks (IANA registry) that are never a public document server. */
const BLOCKED_V4: ReadonlyArray<readonly [string, number, string]> = [
  ["0.0.0.0", 8, "an unspecified (0.0.0.0/8) address"],
  ["10.0.0.0", 8, "a private (10.0.0.0/8) address"],
  ["100.64.0.0", 10, "a carrier-grade NAT (100.64.0.0/10) address"],
  ["127.0.0.0", 8, "a loopback (127.0.0.0/8) address"],
  ["169.254.169.254", 32, "the cloud metadata service address"],
  ["169.254.0.0", 16, "a link-local (169.254.0.0/16) address"],
  ["172.16.0.0", 12, "a private (172.16.0.0/12) address"],
  ["192.0.0.0", 24, "an IETF protocol (192.0.0.0/24) address"],
  ["192.0.2.0", 24, "a documentation (192.0.2.0/24) address"],
  ["192.88.99.0", 24, "a 6to4 relay (192.88.99.0/24) address"],
  ["192.168.0.0", 16, "a private (192.168.0.0/16) address"],
  ["198.18.0.0", 15, "a benchmarking (198.18.0.0/15) address"],
  ["198.51.100.0", 24, "a documentation (198.51.100.0/24) address"],
  ["203.0.113.0", 24, "a documentation (203.0.113.0/24) address"],
  ["168.63.129.16", 32, "a cloud platform (Azure host) address"],
  ["224.0.0.0", 4, "a multicast (224.0.0.0/4) address"],
  ["255.255.255.255", 32, "the broadcast address"],
  ["240.0.0.0", 4, "a reserved (240.0.0.0/4) address"],
];

export const DOTTED_QUAD =
  /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function ipv4ToInt(dotted: string): number {
  return dotted.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function ipv4FromInt(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

export function ipv4Refusal(dotted: string): string | null {
  const why = classifyV4(ipv4ToInt(dotted));
  return why === null ? null : `it is ${why}`;
}

function classifyV4(n: number): string | null {
  for (const [base, bits, why] of BLOCKED_V4) {
    const size = 2 ** (32 - bits);
    const start = ipv4ToInt(base);
    if (n >= start && n < start + size) return why;
  }
  return null;
}

/** IPv6 in the parser's canonical form (or any RFC 4291 text form) to 8 groups, or null. */
function parseIpv6(text: string): number[] | null {
  let body = text;
  const tail: number[] = [];
  if (text.includes(".")) {
    const cut = text.lastIndexOf(":") + 1;
    const v4 = text.slice(cut);
    if (!DOTTED_QUAD.test(v4)) return null;
    const n = ipv4ToInt(v4);
    tail.push(n >>> 16, n & 0xffff);
    body = text.slice(0, cut);
    if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string | undefined) => (s === undefined || s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const zeros = new Array<number>(8 - known).fill(0);
  return [
    ...head.map((g) => parseInt(g, 16)),
    ...zeros,
    ...rest.map((g) => parseInt(g, 16)),
    ...tail,
  ];
}

export function ipv6Refusal(text: string): string | null {
  const g = parseIpv6(text);
  if (g === null) return "it is an IPv6 address that could not be read";
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;
  const viaV4 = (kind: string, n: number) => {
    const why = classifyV4(n);
    return why === null ? null : `it is ${kind} of ${ipv4FromInt(n)}, which is ${why}`;
  };
  const upper6Zero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upper6Zero && g5 === 0 && g6 === 0 && g7 === 0) return "it is the unspecified address (::)";
  if (upper6Zero && g5 === 0 && g6 === 0 && g7 === 1) return "it is the loopback address (::1)";
  if (upper6Zero && g5 === 0xffff) return viaV4("an IPv4-mapped address", embedded(g6, g7));
  if (upper6Zero && g5 === 0)
    return `it is a deprecated IPv4-compatible address (${ipv4FromInt(embedded(g6, g7))})`;
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0)
    return viaV4("a NAT64 address", embedded(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1)
    return "it is a local-use NAT64 (64:ff9b:1::/48) address";
  if (g0 === 0x2002) return viaV4("a 6to4 address", embedded(g1, g2));
  if (g0 === 0x2001 && g1 === 0) return "it is a Teredo tunnel (2001::/32) address";
  if (g0 === 0x2001 && g1 === 0x0db8) return "it is a documentation (2001:db8::/32) address";
  if (g0 === 0x2001 && g1 < 0x0200) return "it is an IETF protocol (2001::/23) address";
  if (g0 === 0x3fff && g1 < 0x1000) return "it is a documentation (3fff::/20) address";
  if ((g0 & 0xfe00) === 0xfc00) return "it is a unique-local (fc00::/7) address";
  if ((g0 & 0xffc0) === 0xfe80) return "it is a link-local (fe80::/10) address";
  if ((g0 & 0xffc0) === 0xfec0) return "it is a site-local (fec0::/10) address";
  if ((g0 & 0xff00) === 0xff00) return "it is a multicast (ff00::/8) address";
  if ((g0 & 0xe000) !== 0x2000) return "it is not a global unicast (2000::/3) address";
  return null;
}

/** Why an address a host name resolved to (dotted IPv4 or IPv6 text) is not public, or null. */
export function addressRefusal(address: string): string | null {
  if (address.includes(":")) return ipv6Refusal(address);
  return DOTTED_QUAD.test(address) ? ipv4Refusal(address) : "it is not an IP address";
}
