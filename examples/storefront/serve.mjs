// Serves the example storefront: index.html, app.ts bundled for the browser by esbuild, and
// config.json naming the API and the publishable key it reads with.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { build } from "esbuild";

/** @import { OutputFile } from "esbuild" */

const here = new URL(".", import.meta.url);

/**
 * Starts the page's server on 127.0.0.1:`port`; resolves with it once listening.
 * @param {{ port: number, api: string, publishableKey: string }} options
 */
export async function serveStorefront({ port, api, publishableKey }) {
  const bundle = await build({
    entryPoints: [new URL("app.ts", here).pathname],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    platform: "browser",
    logLevel: "silent",
  });
  /** @type {Record<string, [string, string | Uint8Array]>} path → its Content-Type and body */
  const files = {
    "/examples/storefront/": ["text/html; charset=utf-8", await readFile(new URL("index.html", here))],
    "/examples/storefront/app.js": [
      "text/javascript; charset=utf-8",
      /** @type {[OutputFile]} */ (bundle.outputFiles)[0].contents,
    ],
    "/examples/storefront/config.json": [
      "application/json",
      JSON.stringify({ api, publishable_key: publishableKey }),
    ],
  };
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path === "/" || path === "/examples/storefront") {
      response.writeHead(302, { Location: "/examples/storefront/" }).end();
      return;
    }
    const file = files[path];
    if (!file) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
      return;
    }
    response.writeHead(200, { "Content-Type": file[0], "Cache-Control": "no-store" }).end(file[1]);
  });
  await /** @type {Promise<void>} */ (new Promise((resolve) => server.listen(port, "127.0.0.1", resolve)));
  return server;
}
