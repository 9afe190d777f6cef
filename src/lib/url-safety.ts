/**
 * Which URLs the Worker may fetch for a client (image URLs and webhook endpoints): the rules of the
 * contract's Images section, checked before any connection and again at every redirect.
 * IPv4 in decimal, octal or hex spellings needs no code here: the WHATWG URL parser rewrites
 * them to dotted decimal (`https://0x7f.1/` has hostname `127.0.0.1`) and prints IPv6 in hex groups.
 * Host names are not resolved here (docs/images.md says what that means locally and on Cloudflare).
 */

export type UrlCheck = { url: URL } | { blocked: string };

/**
 * `IMAGE_FETCH_ALLOWED_HOSTS`: comma-separated `host[:port]`, normalised as URLs normalise hosts.
 * A bare host stands for the default port of the URL's scheme; entries that do not parse are
 * ignored (the var is the operator's, not a client's).
 */
export function parseAllowedHosts(value: string | undefined): ReadonlySet<string> {
  // The var is the same for every request of an isolate: parsed once, not on every write.
  if (lastParsed !== undefined && lastParsed.value === value) return lastParsed.hosts;
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
  lastParsed = { value, hosts: allowed };
  return allowed;
}

let lastParsed: { value: string | undefined; hosts: ReadonlySet<string> } | undefined;

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

const BLOCKED_NAMES = /(^|\.)(localhost|local|internal)$/;

export function checkFetchUrl(input: string, allowedHosts: ReadonlySet<string>): UrlCheck {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { blocked: "Not an absolute URL." };
  }
  if (url.username !== "" || url.password !== "") return { blocked: "URLs with user info are refused." };
  if (url.protocol !== "https:" && url.protocol !== "http:")
    return { blocked: "Only https URLs are fetched." };
  const port = url.port === "" ? DEFAULT_PORTS[url.protocol] : url.port;
  if (allowedHosts.has(`${url.hostname}:${port}`) || (url.port === "" && allowedHosts.has(url.hostname))) {
    return { url };
  }

  if (url.protocol !== "https:") return { blocked: "Only https URLs are fetched." };
  if (url.port !== "") return { blocked: "Only the default port (443) is fetched." };
  // `localhost..` is `localhost` to a resolver: every trailing dot goes, not only the root's one.
  const host = url.hostname.replace(/\.+$/, "");
  if (host === "" || BLOCKED_NAMES.test(host))
    return { blocked: `The host '${url.hostname}' is not public.` };
  const special = host.startsWith("[") ? specialIpv6(host.slice(1, -1)) : specialIpv4(host);
  if (special !== undefined) return { blocked: `The address ${host} is not public (${special}).` };
  return { url };
}

type Range = { network: bigint; shift: bigint; name: string };

/** `"a/n"` → the range; `parse` turns the network's text into its address. */
function ranges(
  width: number,
  parse: (text: string) => bigint | undefined,
  table: [string, string][],
): Range[] {
  return table.map(([cidr, name]) => {
    const [network = "", bits = ""] = cidr.split("/");
    const address = parse(network);
    if (address === undefined) throw new Error(`bad range ${cidr}`);
    const shift = BigInt(width - Number(bits));
    return { network: address >> shift, shift, name };
  });
}

function rangeOf(address: bigint, table: Range[]): string | undefined {
  return table.find((range) => address >> range.shift === range.network)?.name;
}

/**
 * The IANA IPv4 Special-Purpose Address Registry (every entry, reachable or not: none is an image
 * host), plus multicast and the reserved 240/4, which holds the broadcast address.
 */
const SPECIAL_IPV4 = ranges(32, parseIpv4, [
  ["0.0.0.0/8", "this network"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "shared address space, CGNAT"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local, where cloud metadata lives"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "IETF protocol assignments"],
  ["192.0.2.0/24", "documentation"],
  ["192.31.196.0/24", "AS112"],
  ["192.52.193.0/24", "AMT"],
  ["192.88.99.0/24", "6to4 relay anycast"],
  ["192.168.0.0/16", "private"],
  ["192.175.48.0/24", "AS112 direct delegation"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved, and broadcast"],
]);

/**
 * The IANA IPv6 Special-Purpose Address Registry, plus multicast and the deprecated site-local
 * range, named for the message; anything else outside global unicast (2000::/3) is refused too.
 * Whole blocks are refused where they embed an IPv4 address a relay or translator would reach
 * (IPv4-compatible, IPv4-translated, 6to4, Teredo inside 2001::/23, local-use NAT64).
 */
const SPECIAL_IPV6 = ranges(128, parseIpv6, [
  ["::/96", "unspecified, loopback and IPv4-compatible"],
  ["::ffff:0:0:0/96", "IPv4-translated"],
  ["64:ff9b:1::/48", "local-use NAT64"],
  ["100::/64", "discard-only"],
  ["100:0:0:1::/64", "dummy prefix"],
  ["2001::/23", "IETF protocol assignments, Teredo among them"],
  ["2001:db8::/32", "documentation"],
  ["2002::/16", "6to4"],
  ["2620:4f:8000::/48", "AS112 direct delegation"],
  ["3fff::/20", "documentation"],
  ["5f00::/16", "segment routing"],
  ["fc00::/7", "unique local"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "site-local"],
  ["ff00::/8", "multicast"],
]);

/** The ranges whose last 32 bits are an IPv4 address the packet goes to: judged by that address. */
const IPV4_CARRIERS = ranges(128, parseIpv6, [
  ["::ffff:0:0/96", "IPv4-mapped"],
  ["64:ff9b::/96", "NAT64"],
]);

function specialIpv4(host: string): string | undefined {
  const address = parseIpv4(host);
  return address === undefined ? undefined : rangeOf(address, SPECIAL_IPV4);
}

function specialIpv6(text: string): string | undefined {
  const address = parseIpv6(text);
  if (address === undefined) return "not an IPv6 address";
  const carrier = rangeOf(address, IPV4_CARRIERS);
  if (carrier !== undefined) {
    const inner = rangeOf(address & 0xffffffffn, SPECIAL_IPV4);
    return inner === undefined ? undefined : `${carrier}, ${inner}`;
  }
  return rangeOf(address, SPECIAL_IPV6) ?? (address >> 125n === 1n ? undefined : "not global unicast");
}

/** Dotted decimal only: the URL parser has already normalised every other IPv4 spelling. */
function parseIpv4(host: string): bigint | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return undefined;
  return octets.reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

/** Eight hex groups with at most one `::`, as the URL parser prints an IPv6 host. */
function parseIpv6(text: string): bigint | undefined {
  const halves = text.toLowerCase().split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0] ?? "");
  const tail = halves.length === 2 ? groups(halves[1] ?? "") : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  const all = [...head, ...Array<string>(missing).fill("0"), ...tail];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
  return all.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}
