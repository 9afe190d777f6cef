// The outbound network of the Worker under test (vitest.config.ts makes it Miniflare's outboundService):
// every fetch the Worker makes lands here, in the Node process, and nothing reaches the real network.
// It serves real image files and every way a remote server can misbehave, and keeps a log of what
// was requested, which tests read at `GET /__log` to prove that a refused URL was never requested.
// Web APIs only, so that both the Node and the Workers type configs check it.
import { bytesOf, IMAGES } from "./fixtures/images.ts";

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="7" height="5"/>';

const requests: string[] = [];
const inFlight = new Map<string, number>();
const maxInFlight = new Map<string, number>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The PNG fixture with four bytes of `variant` appended: a valid PNG with other bytes (another sha256). */
export function pngVariant(variant: number): Uint8Array {
  const base = bytesOf(IMAGES.png);
  const bytes = new Uint8Array(base.length + 4);
  bytes.set(base);
  new DataView(bytes.buffer).setUint32(base.length, variant);
  return bytes;
}

/** `size` bytes that start as a PNG, streamed in 64 KiB chunks with no Content-Length. */
function pngStream(size: number): ReadableStream<Uint8Array> {
  const head = bytesOf(IMAGES.png);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      const chunk = new Uint8Array(Math.min(64 * 1024, size - sent));
      if (sent === 0) chunk.set(head);
      sent += chunk.length;
      controller.enqueue(chunk);
      if (sent >= size) controller.close();
    },
  });
}

/** A PNG header, then one byte a second for `seconds`: slower than the 10 s the Worker allows. */
function trickle(seconds: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    async pull(controller) {
      if (sent === 0) controller.enqueue(bytesOf(IMAGES.png));
      await sleep(1000);
      controller.enqueue(new Uint8Array([0]));
      if (++sent >= seconds) controller.close();
    },
  });
}

const image = (bytes: Uint8Array, type: string) =>
  new Response(bytes, { headers: { "Content-Type": type, "Content-Length": String(bytes.length) } });

const FIXTURES: Record<string, [keyof typeof IMAGES, string]> = {
  "/png": ["png", "image/png"],
  "/jpeg": ["jpeg", "image/jpeg"],
  "/gif": ["gif", "image/gif"],
  "/webp": ["webpLossy", "image/webp"],
  "/avif": ["avif", "image/avif"],
  "/jpeg-orientation-1": ["jpegOrientation1", "image/jpeg"],
  "/jpeg-orientation-3": ["jpegOrientation3", "image/jpeg"],
  "/jpeg-orientation-6": ["jpegOrientation6", "image/jpeg"],
  "/jpeg-orientation-8": ["jpegOrientation8", "image/jpeg"],
  "/jpeg-orientation-6-mm": ["jpegOrientation6BigEndian", "image/jpeg"],
  "/png-orientation-6": ["pngOrientation6", "image/png"],
};

async function respond(url: URL): Promise<Response> {
  const path = url.pathname;
  const fixture = FIXTURES[path];
  if (fixture) {
    const variant = url.searchParams.get("variant");
    // A declared type that lies (`as=`) does not change what the bytes are.
    const type = url.searchParams.get("as") ?? fixture[1];
    return image(variant === null ? bytesOf(IMAGES[fixture[0]]) : pngVariant(Number(variant)), type);
  }
  if (path === "/svg") return new Response(SVG, { headers: { "Content-Type": "image/svg+xml" } });
  if (path === "/text")
    return new Response("hello, not an image", { headers: { "Content-Type": "image/png" } });
  if (path === "/empty") return new Response(null, { headers: { "Content-Type": "image/png" } });
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return new Response("no", { status: Number(status[1]) });
  // `bytes` bytes of a PNG, streamed; with `declared`, that Content-Length (true or not), else none.
  if (path === "/size") {
    const declared = url.searchParams.get("declared");
    const headers: Record<string, string> = declared === null ? {} : { "Content-Length": declared };
    return new Response(pngStream(Number(url.searchParams.get("bytes"))), { headers });
  }
  // Redirects: `/hops/N/<path>` redirects N times (relative Locations), then serves <path>.
  const hops = /^\/hops\/(\d+)(\/.*)$/.exec(path);
  if (hops) {
    const left = Number(hops[1]);
    const next = left === 0 ? `${hops[2]}${url.search}` : `/hops/${left - 1}${hops[2]}${url.search}`;
    if (left === 0) return respond(new URL(next, url));
    return new Response(null, { status: 302, headers: { Location: next } });
  }
  if (path === "/loop") return new Response(null, { status: 301, headers: { Location: url.href } });
  if (path === "/redirect") {
    return new Response(null, { status: 307, headers: { Location: url.searchParams.get("to") ?? "" } });
  }
  if (path === "/no-location") return new Response(null, { status: 302 });
  if (path === "/slow-headers") {
    await sleep(11_000);
    return image(bytesOf(IMAGES.png), "image/png");
  }
  if (path === "/slow-body") return new Response(trickle(12), { headers: { "Content-Type": "image/png" } });
  // Held for 300 ms, counting how many requests of one `group` are open at once.
  if (path === "/held") {
    const group = url.searchParams.get("group") ?? "";
    const open = (inFlight.get(group) ?? 0) + 1;
    inFlight.set(group, open);
    maxInFlight.set(group, Math.max(open, maxInFlight.get(group) ?? 0));
    await sleep(300);
    inFlight.set(group, (inFlight.get(group) ?? 1) - 1);
    return image(pngVariant(Number(url.searchParams.get("variant"))), "image/png");
  }
  return new Response("not found", { status: 404 });
}

/**
 * Webhook receivers: `/hooks/<behaviour>/<name>` answers `ok` 200, `flaky` 500 then 200, `down`
 * always 500, `slow` 200 but the first time only after 11 s (past the Worker's 10 s); every POST is
 * kept, and `GET /__hooks/<name>` lists them (headers, body, status).
 */
const hooks = new Map<
  string,
  { headers: Record<string, string>; body: string; status: number; at: number }[]
>();

async function receiveHook(request: Request, behaviour: string, name: string): Promise<Response> {
  const received = hooks.get(name) ?? [];
  const status = behaviour === "down" || (behaviour === "flaky" && received.length === 0) ? 500 : 200;
  received.push({
    headers: Object.fromEntries(request.headers),
    body: await request.text(),
    status,
    at: Date.now(),
  });
  hooks.set(name, received);
  if (behaviour === "slow" && received.length === 1) await sleep(11_000);
  return new Response(status === 200 ? "thanks" : "broken", { status });
}

export async function imageOrigin(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname === "/__log") {
    return Response.json({ requests, max_in_flight: Object.fromEntries(maxInFlight) });
  }
  const hook = /^\/hooks\/(ok|flaky|down|slow)\/([\w-]+)$/.exec(url.pathname);
  if (hook?.[1] && hook[2] && request.method === "POST") return receiveHook(request, hook[1], hook[2]);
  const seen = /^\/__hooks\/([\w-]+)$/.exec(url.pathname);
  if (seen?.[1]) return Response.json(hooks.get(seen[1]) ?? []);
  requests.push(`${request.method} ${request.url}`);
  return respond(url);
}
