/**
 * Which URLs the Worker may fetch for a client (image URLs now, webhook endpoints later): the
 * rules of the contract's Images section, checked before any connection and again at every redirect.
 * IPv4 in decimal, octal or hex spellings needs no code here: the WHATWG URL parser rewrites
 * them to dotted decimal (`https://0x7f.1/` has hostname `127.0.0.1`).
 */

export type UrlCheck = { url: URL } | { blocked: string };

/**
 * `IMAGE_FETCH_ALLOWED_HOSTS`: comma-separated `host[:port]`, normalised as URLs normalise hosts.
 * A bare host stands for the default port of the URL's scheme; entries that do not parse are
 * ignored (the var is the operator's, not a client's).
 */
export function parseAllowedHosts(value: string | undefined): Set<string> {
  const allowed = new Set<string>();
  for (const entry of (value ?? "").split(",")) {
    const trimmed = entry.trim();
    if (trimmed === "") continue;
    try {
      const url = new URL(`http://${trimmed}`);
      allowed.add(/:\d+$/.test(trimmed) ? `${url.hostname}:${url.port || "80"}` : url.hostname);
    } catch {
      // not a host[:port]
    }
  }
  return allowed;
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

const BLOCKED_NAMES = /(^|\.)(localhost|local|internal)$/;

export function checkFetchUrl(input: string, allowedHosts: Set<string>): UrlCheck {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { blocked: "Not an absolute URL." };
  }
  if (url.username !== "" || url.password !== "") return { blocked: "URLs with user info are refused." };
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { blocked: "Only https URLs are fetched." };
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  const port = url.port === "" ? DEFAULT_PORTS[url.protocol] : url.port;
  if (allowedHosts.has(`${url.hostname}:${port}`) || (url.port === "" && allowedHosts.has(url.hostname))) {
    return { url };
  }

  if (url.protocol !== "https:") return { blocked: "Only https URLs are fetched." };
  if (url.port !== "") return { blocked: "Only the default port (443) is fetched." };
  if (host === "" || BLOCKED_NAMES.test(host)) return { blocked: `The host '${host}' is not public.` };
  const ipv4 = parseIpv4(host);
  if (ipv4 !== undefined && !isPublicIpv4(ipv4)) return { blocked: `The address ${host} is not public.` };
  if (host.startsWith("[")) {
    const ipv6 = parseIpv6(host.slice(1, -1));
    if (ipv6 === undefined || !isPublicIpv6(ipv6)) return { blocked: `The address ${host} is not public.` };
  }
  return { url };
}

/** Dotted decimal only: the URL parser has already normalised every other IPv4 spelling. */
function parseIpv4(host: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

/** [network, prefix length] pairs that are not the public internet (RFC 6890 and friends). */
const PRIVATE_IPV4: [string, number][] = [
  ["0.0.0.0", 8], // this network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and broadcast
];

const PRIVATE_IPV4_RANGES = PRIVATE_IPV4.map(([network, bits]) => {
  const size = 2 ** (32 - bits);
  const start = parseIpv4(network) as number;
  return { start, end: start + size - 1 };
});

function isPublicIpv4(address: number): boolean {
  return !PRIVATE_IPV4_RANGES.some((range) => address >= range.start && address <= range.end);
}

/** The eight 16-bit groups of an IPv6 address (as the URL parser prints it: hex groups, `::`). */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.toLowerCase().split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return all.map((group) => Number.parseInt(group, 16));
}

function isPublicIpv6(groups: number[]): boolean {
  const [g0 = 0, g1 = 0, , , , g5 = 0, g6 = 0, g7 = 0] = groups;
  const embeddedIpv4 = g6 * 65536 + g7;
  const zerosBefore = (count: number) => groups.slice(0, count).every((group) => group === 0);
  if (zerosBefore(7) && g7 <= 1) return false; // :: and ::1
  if (zerosBefore(5) && g5 === 0xffff) return isPublicIpv4(embeddedIpv4); // ::ffff:a.b.c.d, v4-mapped
  if (zerosBefore(6)) return isPublicIpv4(embeddedIpv4); // ::a.b.c.d, v4-compatible
  if (g0 === 0x64 && g1 === 0xff9b) return isPublicIpv4(embeddedIpv4); // 64:ff9b::/96, NAT64
  if (g0 === 0x2002) return isPublicIpv4(g1 * 65536 + (groups[2] ?? 0)); // 2002::/16, 6to4
  if ((g0 & 0xfe00) === 0xfc00) return false; // fc00::/7, unique local
  if ((g0 & 0xffc0) === 0xfe80) return false; // fe80::/10, link-local
  if ((g0 & 0xffc0) === 0xfec0) return false; // fec0::/10, site-local (deprecated)
  if ((g0 & 0xff00) === 0xff00) return false; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return false; // documentation
  if (g0 === 0x0100 && zerosBefore(0) && groups.slice(1, 4).every((group) => group === 0)) return false; // 100::/64 discard
  return true;
}
