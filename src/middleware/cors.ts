import { createMiddleware } from "hono/factory";
import { isKnownOrigin } from "../auth/auth.repo";
import type { AppEnv } from "../env";

const ALLOW_METHODS = "GET,HEAD";
const ALLOW_HEADERS = "Authorization,Accept-Language,If-None-Match,Org-Id,API-Version,Range";
const EXPOSE_HEADERS = "ETag,Content-Language,Content-Range,Accept-Ranges,Request-Id,API-Version";
const MAX_AGE = "600";

/**
 * CORS for what browsers read: the storefront and the images. A preflight carries no key, so an
 * origin gets CORS headers when some live publishable key allows it; the request itself is then
 * checked against its own key (requireKeyOrigin). No credentials mode: the key is a header.
 *
 * A preflight is answered here (204). Any other request gets its headers once the response is
 * final, errors included, on that response itself: nothing is set before the handler, so hono has
 * no earlier response to copy into the handler's.
 */
export const browserCors = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header("Origin");
  const allowOrigin = origin && (await isKnownOrigin(c.get("db"), origin)) ? origin : undefined;
  if (c.req.method === "OPTIONS") {
    const headers = new Headers({
      "Access-Control-Expose-Headers": EXPOSE_HEADERS,
      Vary: "Origin, Access-Control-Request-Headers",
      "Access-Control-Max-Age": MAX_AGE,
      "Access-Control-Allow-Methods": ALLOW_METHODS,
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
    });
    if (allowOrigin) headers.set("Access-Control-Allow-Origin", allowOrigin);
    return new Response(null, { status: 204, headers });
  }
  await next();
  const { headers } = c.res;
  if (allowOrigin) headers.set("Access-Control-Allow-Origin", allowOrigin);
  headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
  headers.append("Vary", "Origin");
});
