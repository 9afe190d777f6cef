import type { Context } from "hono";
import { cors } from "hono/cors";
import { isKnownOrigin } from "../auth/auth.repo";
import type { AppEnv } from "../env";

/**
 * CORS for what browsers read: the storefront and the images. A preflight carries no key, so an
 * origin gets CORS headers when some live publishable key allows it; the request itself is then
 * checked against its own key (requireKeyOrigin). No credentials mode: the key is a header.
 */
export const browserCors = cors({
  origin: async (origin, c: Context<AppEnv>) =>
    origin && (await isKnownOrigin(c.get("db"), origin)) ? origin : null,
  allowMethods: ["GET", "HEAD"],
  allowHeaders: ["Authorization", "Accept-Language", "If-None-Match", "Org-Id", "API-Version", "Range"],
  exposeHeaders: ["ETag", "Content-Language", "Content-Range", "Accept-Ranges", "Request-Id", "API-Version"],
  maxAge: 600,
});
