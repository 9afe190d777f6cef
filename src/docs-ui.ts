import { type Context, Hono } from "hono";
import type { AppEnv } from "./env";
import { ApiError } from "./lib/errors";

/**
 * /docs: the API reference UI, served whole by this Worker. The page loads Scalar's standalone
 * bundle (the pinned @scalar/api-reference devDependency, shipped as the static asset
 * /docs/scalar/standalone.js: wrangler.toml [assets], scripts/assets.mjs) and /docs/init.js, which
 * points it at /openapi.json. No third-party URL is in the page, and its Content-Security-Policy
 * lets it load nothing from anywhere but this origin.
 */
export const SCALAR_BUNDLE = "/docs/scalar/standalone.js";

/**
 * /docs/guides/: the design notes (docs/*.md) as HTML pages, rendered into the static assets at
 * build time by scripts/assets.mjs (scripts/guides.mjs), with an index page of them all.
 */
const GUIDES = "/docs/guides/";

/** Scalar's configuration: nothing that reaches another origin (fonts, telemetry, the agent, MCP). */
const SCALAR_CONFIG = {
  url: "/openapi.json",
  // The Inter / JetBrains Mono faces come from Scalar's font CDN; the theme falls back to system fonts.
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  // The developer toolbar links to Scalar's hosted services.
  showDeveloperTools: "never",
};

const INIT_SCRIPT = `Scalar.createApiReference("#app", ${JSON.stringify(SCALAR_CONFIG)});\n`;

/**
 * The page's policy: this origin only. Scripts: this origin's files (the bundle and init.js), no
 * inline script and no eval (the bundle's zod probes for eval once, in a try, and does without).
 * Styles: this origin plus 'unsafe-inline', the one allowance: Scalar writes <style> elements (its
 * theme, component styles) without the nonce it gives its first one, and sets style attributes;
 * inline styles run no code and name no other origin, since img-src, font-src and connect-src hold
 * whatever a style could load to this origin. Data, fonts, images: this origin (images also data:
 * URLs, which Scalar's icons use and which name no host). Nothing else: no frames, workers, forms
 * or <base>, and no page may frame this one.
 */
export const DOCS_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The guide pages' policy: no script at all, their one stylesheet and any image from this origin,
 * nothing else (they are static HTML: no inline style, no fetch, no font but the system's).
 */
export const GUIDES_POLICY = [
  "default-src 'none'",
  "style-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The names scripts/guides.mjs writes: a docs/*.md page as .html, the stylesheet. */
const GUIDE_FILE = /^[a-z0-9-]+\.(?:html|css)$/;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Products API</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="${SCALAR_BUNDLE}"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

export const docsUi = new Hono<AppEnv>();

docsUi.get("/", (c) =>
  c.html(PAGE, 200, {
    "Content-Security-Policy": DOCS_POLICY,
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  }),
);

docsUi.get("/init.js", (c) =>
  c.body(INIT_SCRIPT, 200, {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
  }),
);

// The asset binding serves the file with its content type and an ETag (304 on If-None-Match).
docsUi.get(SCALAR_BUNDLE.slice("/docs".length), async (c) => {
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  const response = new Response(asset.body, asset);
  response.headers.set("X-Content-Type-Options", "nosniff");
  return response;
});

/**
 * A file of assets/docs/guides/, with the Worker's headers. The guides are whatever docs/ held at
 * build time, so the Worker keeps no list: a name the assets lack is the API's 404.
 */
async function guideAsset(c: Context<AppEnv>, file: string) {
  const noGuide = new ApiError("not_found", { message: `No route for ${c.req.method} ${c.req.path}.` });
  if (!GUIDE_FILE.test(file)) throw noGuide;
  // HEAD asks for no body; If-None-Match and the like go along (304 by the asset's ETag).
  const asset = await c.env.ASSETS.fetch(
    new Request(new URL(`${GUIDES}${file}`, c.req.url), { method: c.req.method, headers: c.req.raw.headers }),
  );
  if (asset.status === 404) {
    await asset.body?.cancel();
    throw noGuide;
  }
  const response = new Response(asset.body, asset);
  response.headers.set("Content-Security-Policy", GUIDES_POLICY);
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "no-referrer");
  return response;
}

docsUi.get("/guides/", (c) => guideAsset(c, "index.html"));
docsUi.get("/guides/:file", (c) => guideAsset(c, c.req.param("file")));
