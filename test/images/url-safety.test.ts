import { describe, expect, it } from "vitest";
import { checkFetchUrl, parseAllowedHosts } from "../../src/lib/url-safety";

/**
 * The URL rules of the contract (Images; webhooks reuse them) at their edges. Pure function tests: the
 * fetch paths that use them are tested through HTTP with the capabilities that fetch.
 */
const none = parseAllowedHosts("");
const allowed = (url: string, hosts = none) => "url" in checkFetchUrl(url, hosts);

describe("checkFetchUrl", () => {
  it.each([
    "https://images.example.com/a.png",
    "https://cdn.example.com:443/a.png",
    "https://8.8.8.8/a.png",
    "https://172.15.255.255/a.png",
    "https://172.32.0.0/a.png",
    "https://100.63.255.255/a.png",
    "https://100.128.0.0/a.png",
    "https://11.0.0.1/a.png",
    "https://[2606:4700:4700::1111]/a.png",
    "https://[::ffff:8.8.8.8]/a.png",
    "https://xn--bcher-kva.example/a.png",
    "https://images.example.com./a.png",
    // just outside a special-purpose range
    "https://192.31.195.255/a.png",
    "https://192.31.197.0/a.png",
    "https://192.52.192.255/a.png",
    "https://192.52.194.0/a.png",
    "https://192.175.47.255/a.png",
    "https://192.175.49.0/a.png",
    "https://198.17.255.255/a.png",
    "https://198.20.0.0/a.png",
    "https://223.255.255.255/a.png",
    "https://[64:ff9b::808:808]/a.png",
    "https://[2001:200::1]/a.png",
    "https://[2001:db9::1]/a.png",
    "https://[2003::1]/a.png",
    "https://[2620:4f:7fff:ffff::1]/a.png",
    "https://[2620:4f:8001::1]/a.png",
    "https://[3ffe:ffff::1]/a.png",
    "https://[3fff:1000::1]/a.png",
    "https://[2000::1]/a.png",
  ])("allows %s", (url) => {
    expect(allowed(url)).toBe(true);
  });

  it.each([
    ["http", "http://images.example.com/a.png"],
    ["another scheme", "ftp://images.example.com/a.png"],
    ["file", "file:///etc/passwd"],
    ["javascript", "javascript:alert(1)"],
    ["not a URL", "not a url"],
    ["a relative URL", "/images/a.png"],
    ["user info", "https://user:secret@images.example.com/a.png"],
    ["a user name alone", "https://user@images.example.com/a.png"],
    ["another port", "https://images.example.com:8443/a.png"],
    ["port 80 on https", "https://images.example.com:80/a.png"],
    ["localhost", "https://localhost/a.png"],
    ["localhost with a trailing dot", "https://localhost./a.png"],
    ["*.localhost", "https://app.localhost/a.png"],
    ["*.local", "https://printer.local/a.png"],
    ["*.internal", "https://metadata.google.internal/a.png"],
    ["loopback", "https://127.0.0.1/a.png"],
    ["loopback, top of the range", "https://127.255.255.255/a.png"],
    ["loopback in decimal", "https://2130706433/a.png"],
    ["loopback in hex", "https://0x7f.0.0.1/a.png"],
    ["loopback in octal", "https://0177.0.0.1/a.png"],
    ["loopback, short form", "https://127.1/a.png"],
    ["0.0.0.0", "https://0.0.0.0/a.png"],
    ["10/8", "https://10.0.0.1/a.png"],
    ["172.16/12, bottom", "https://172.16.0.0/a.png"],
    ["172.16/12, top", "https://172.31.255.255/a.png"],
    ["192.168/16", "https://192.168.1.1/a.png"],
    ["link-local (cloud metadata)", "https://169.254.169.254/latest/meta-data"],
    ["CGNAT, bottom", "https://100.64.0.0/a.png"],
    ["CGNAT, top", "https://100.127.255.255/a.png"],
    ["multicast", "https://224.0.0.1/a.png"],
    ["broadcast", "https://255.255.255.255/a.png"],
    ["IPv6 loopback", "https://[::1]/a.png"],
    ["IPv6 unspecified", "https://[::]/a.png"],
    ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/a.png"],
    ["IPv4-mapped private, hex form", "https://[::ffff:a00:1]/a.png"],
    ["IPv4-compatible loopback", "https://[::127.0.0.1]/a.png"],
    ["NAT64 of a private address", "https://[64:ff9b::10.0.0.1]/a.png"],
    ["6to4 of a private address", "https://[2002:c0a8:101::1]/a.png"],
    ["unique local fc00::/7", "https://[fc00::1]/a.png"],
    ["unique local fd..", "https://[fd12:3456::1]/a.png"],
    ["link-local fe80::/10", "https://[fe80::1]/a.png"],
    ["IPv6 multicast", "https://[ff02::1]/a.png"],
    ["localhost with two trailing dots", "https://localhost../a.png"],
    ["localhost with many trailing dots", "https://localhost...../a.png"],
    ["*.internal with two trailing dots", "https://db.internal../a.png"],
    ["nothing but dots", "https://../a.png"],
    ["loopback with two trailing dots", "https://127.0.0.1../a.png"],
    ["AS112, bottom", "https://192.31.196.0/a.png"],
    ["AS112, top", "https://192.31.196.255/a.png"],
    ["AMT", "https://192.52.193.1/a.png"],
    ["AS112 direct delegation", "https://192.175.48.1/a.png"],
    ["benchmarking, top", "https://198.19.255.255/a.png"],
    ["DS-Lite", "https://192.0.0.1/a.png"],
    ["6to4 relay anycast", "https://192.88.99.1/a.png"],
    ["reserved 240/4", "https://240.0.0.1/a.png"],
    ["IPv4-translated loopback", "https://[::ffff:0:7f00:1]/a.png"],
    ["IPv4-translated, even of a public address", "https://[::ffff:0:808:808]/a.png"],
    ["IPv4-mapped loopback, hex form", "https://[::ffff:7f00:1]/a.png"],
    ["IPv4-mapped metadata address", "https://[::ffff:a9fe:a9fe]/a.png"],
    ["IPv4-compatible, even of a public address", "https://[::808:808]/a.png"],
    ["NAT64 of loopback", "https://[64:ff9b::7f00:1]/a.png"],
    ["local-use NAT64", "https://[64:ff9b:1::808:808]/a.png"],
    ["Teredo", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/a.png"],
    ["Teredo, bottom", "https://[2001::]/a.png"],
    ["IETF protocol assignments, top", "https://[2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff]/a.png"],
    ["IPv6 documentation", "https://[2001:db8::1]/a.png"],
    ["IPv6 documentation 3fff::/20", "https://[3fff:fff:ffff::1]/a.png"],
    ["6to4, even of a public address", "https://[2002:808:808::1]/a.png"],
    ["AS112 v6 direct delegation", "https://[2620:4f:8000::1]/a.png"],
    ["discard-only", "https://[100::1]/a.png"],
    ["dummy prefix", "https://[100:0:0:1::1]/a.png"],
    ["segment routing", "https://[5f00::1]/a.png"],
    ["unique local, top", "https://[fdff:ffff::1]/a.png"],
    ["link-local, top", "https://[febf:ffff::1]/a.png"],
    ["site-local", "https://[fec0::1]/a.png"],
    ["below global unicast", "https://[1fff:ffff::1]/a.png"],
    ["above global unicast", "https://[4000::1]/a.png"],
  ])("refuses %s", (_label, url) => {
    const result = checkFetchUrl(url, none);
    expect("blocked" in result && typeof result.blocked === "string").toBe(true);
  });

  it("names the range an address is in", () => {
    expect(checkFetchUrl("https://[::ffff:0:7f00:1]/", none)).toEqual({
      blocked: "The address [::ffff:0:7f00:1] is not public (IPv4-translated).",
    });
    expect(checkFetchUrl("https://[::ffff:7f00:1]/", none)).toEqual({
      blocked: "The address [::ffff:7f00:1] is not public (IPv4-mapped, loopback).",
    });
    expect(checkFetchUrl("https://localhost../", none)).toEqual({
      blocked: "The host 'localhost..' is not public.",
    });
  });
});

describe("IMAGE_FETCH_ALLOWED_HOSTS", () => {
  const hosts = parseAllowedHosts(" 127.0.0.1:8788 , Images.Test ,, [::1]:9000, not a host:x");

  it("lifts the https, port and private rules for exactly the host:port named", () => {
    expect(allowed("http://127.0.0.1:8788/a.png", hosts)).toBe(true);
    expect(allowed("https://127.0.0.1:8788/a.png", hosts)).toBe(true);
    expect(allowed("http://127.0.0.1:8789/a.png", hosts)).toBe(false);
    expect(allowed("http://127.0.0.2:8788/a.png", hosts)).toBe(false);
    expect(allowed("http://[::1]:9000/a.png", hosts)).toBe(true);
    expect(allowed("http://[::1]:9001/a.png", hosts)).toBe(false);
  });

  it("a bare host stands for its scheme's default port only, case-insensitively", () => {
    expect(allowed("http://images.test/a.png", hosts)).toBe(true);
    expect(allowed("https://IMAGES.test/a.png", hosts)).toBe(true);
    expect(allowed("http://images.test:8080/a.png", hosts)).toBe(false);
  });

  it("never lifts the user-info rule", () => {
    expect(allowed("http://user:pw@127.0.0.1:8788/a.png", hosts)).toBe(false);
  });

  it("is empty by default", () => {
    expect(parseAllowedHosts("").size).toBe(0);
    expect(parseAllowedHosts(undefined).size).toBe(0);
  });
});
