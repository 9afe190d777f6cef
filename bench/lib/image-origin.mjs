// The image origin of the `create-4-images` scenario: a Node http server on 127.0.0.1 (a free port,
// keep-alive) that serves distinct small PNGs at /img/0.png, /img/1.png, … for the Worker to fetch
// through `image_urls`. The Worker gets IMAGE_FETCH_ALLOWED_HOSTS=127.0.0.1:<port>, which lifts the
// https-only and no-loopback URL rules for exactly this host and port.
import { createServer } from "node:http";

/** @import { AddressInfo } from "node:net" */

/** A 7 × 5 PNG (the `png` entry of test/fixtures/images.ts). */
export const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAcAAAAFCAIAAAAG+GGPAAAAGklEQVR4nGPkOiHHgAEYT8hpYIoyYQqRKAoAwrwCB8cvSH8AAAAASUVORK5CYII=";

/**
 * `count` PNGs with distinct bytes: the PNG above with its index appended as 4 bytes. The Worker
 * sniffs only the header, so each is still a PNG for it, but each has its own sha256 (the API
 * stores the same bytes once per product).
 * @param {number} count
 */
function distinctPngs(count) {
  const base = Buffer.from(PNG, "base64");
  return Array.from({ length: count }, (_, index) => {
    const bytes = Buffer.alloc(base.length + 4);
    base.copy(bytes);
    bytes.writeUInt32BE(index, base.length);
    return bytes;
  });
}

/**
 * Starts the origin; resolves with its `host` (`127.0.0.1:<port>`), the image `urls`, their `bytes` and `stop()`.
 * @param {{ count?: number }} [options]
 */
export async function startImageOrigin({ count = 4 } = {}) {
  const images = distinctPngs(count);
  const server = createServer({ keepAlive: true }, (request, response) => {
    const match = /^\/img\/(\d+)\.png$/.exec(request.url ?? "");
    const bytes = match ? images[Number(match[1])] : undefined;
    if (!bytes || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "Content-Type": "text/plain", "Content-Length": 10 });
      response.end("not found\n");
      return;
    }
    response.writeHead(200, { "Content-Type": "image/png", "Content-Length": bytes.length });
    response.end(request.method === "HEAD" ? undefined : bytes);
  });
  // HTTP keep-alive is on by default; a long idle timeout keeps the server from closing a connection
  // workerd is about to reuse (workerd is stopped before the origin, which closes them)
  server.keepAliveTimeout = 60_000;
  await /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    })
  );
  const host = `127.0.0.1:${/** @type {AddressInfo} */ (server.address()).port}`;
  /** @type {() => Promise<void>} */
  const stop = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { host, urls: images.map((_, index) => `http://${host}/img/${index}.png`), bytes: images, stop };
}
