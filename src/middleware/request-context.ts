import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { createDb, newDbStats } from "../db/client";
import type { AppEnv } from "../env";
import { newId } from "../lib/ids";
import { LATEST_API_VERSION } from "./api-version";

/** What D1 bookmarks look like; anything else a client sends is not passed to D1. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{1,128}$/;

/**
 * A D1 session (Sessions API) per request. A client that sends back the D1-Bookmark of an
 * earlier response reads at least what that response saw (its own writes); without one, reads
 * may come from any replica and writes start at the primary.
 */
function openSession(c: Context<AppEnv>): D1DatabaseSession {
  const bookmark = c.req.header("D1-Bookmark")?.trim();
  if (bookmark && BOOKMARK.test(bookmark)) return c.env.DB.withSession(bookmark);
  const reading = c.req.method === "GET" || c.req.method === "HEAD";
  return c.env.DB.withSession(reading ? "first-unconstrained" : "first-primary");
}

/**
 * First in the chain: a request id, a metered D1 session, and the headers every response
 * carries (Request-Id, API-Version, and Server-Timing and D1-Bookmark when D1 was touched).
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const startedAt = performance.now();
  const dbStats = newDbStats();
  c.set("requestId", newId("req"));
  c.set("startedAt", startedAt);
  c.set("dbStats", dbStats);
  let session: D1DatabaseSession | undefined;
  c.set(
    "db",
    createDb(() => (session ??= openSession(c)), dbStats),
  );
  await next();
  // A replayed idempotent response keeps the Request-Id of the request that did the work.
  if (!c.res.headers.has("Request-Id")) c.res.headers.set("Request-Id", c.var.requestId);
  c.res.headers.set("API-Version", c.var.apiVersion ?? LATEST_API_VERSION);
  if (dbStats.queries > 0) {
    const bookmark = session?.getBookmark();
    if (bookmark) c.res.headers.set("D1-Bookmark", bookmark);
    const total = performance.now() - startedAt;
    c.res.headers.append(
      "Server-Timing",
      `db;dur=${dbStats.durationMs.toFixed(1)};desc="rows_read=${dbStats.rowsRead} rows_written=${dbStats.rowsWritten} queries=${dbStats.queries}"`,
    );
    c.res.headers.append("Server-Timing", `total;dur=${total.toFixed(1)}`);
  }
});
