import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { db, newDbStats, withDb } from "../db/client";
import type { AppEnv } from "../env";
import { newId } from "../lib/ids";
import { LATEST_API_VERSION } from "./api-version";

const NO_STORE = "private, no-store";

/** What D1 bookmarks look like; anything else a client sends is not passed to D1. */
const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{1,128}$/;

/**
 * Where the request's D1 session starts, or null for no session. A session (Sessions API) buys
 * something in two cases only: the client sent back the D1-Bookmark of an earlier response (it
 * reads at least what that response saw), or the database has read replicas
 * (`D1_READ_REPLICATION = "on"`: GETs may read any replica, writes start at the primary). Otherwise
 * every query goes to the primary, which has every write, and a session would be cost alone.
 */
function sessionStart(c: Context<AppEnv>): string | null {
  const bookmark = c.req.header("D1-Bookmark")?.trim();
  if (bookmark && BOOKMARK.test(bookmark)) return bookmark;
  if (c.env.D1_READ_REPLICATION !== "on") return null;
  return c.req.method === "GET" || c.req.method === "HEAD" ? "first-unconstrained" : "first-primary";
}

/** The route pattern that answered (`/v1/products/:id`), or null when none matched (404, 405). */
function routeOf(c: Context<AppEnv>): string | null {
  const last = matchedRoutes(c).at(-1);
  return last && last.method !== "ALL" ? last.path : null;
}

/** A JSON string or null: for the values a line takes from the request (ids, the route pattern). */
const text = (value: string | null | undefined) => (value ? JSON.stringify(value) : "null");

/**
 * One JSON line per request, written once, after the response is final: a single string built in
 * place (no object to serialise), since a console.log is relayed and kept by whatever reads the
 * logs (docs/benchmarks.md, "The log line"). Only ids, the route and counts: never a header, key,
 * query, body or image. `duration_ms` is wall time as workerd reports it, which advances on I/O only.
 */
function logRequest(c: Context<AppEnv>, durationMs: number) {
  const dbStats = c.get("dbStats");
  const auth = c.get("auth");
  const { status } = c.res;
  console.log(
    `{"level":"${status >= 500 ? "error" : "info"}","event":"request","request_id":${text(c.get("requestId"))},` +
      `"method":${text(c.req.method)},"route":${text(routeOf(c))},"status":${status},` +
      `"duration_ms":${Math.round(durationMs * 10) / 10},"org_id":${text(auth?.orgId)},"key_id":${text(auth?.keyId)},` +
      `"rows_read":${dbStats.rowsRead},"rows_written":${dbStats.rowsWritten},"queries":${dbStats.queries}` +
      `${c.res.headers.has("Idempotent-Replayed") ? ',"replayed":true' : ""}}`,
  );
}

/**
 * First in the chain: a request id, metered D1 (in a session only when one buys something), the
 * headers every response carries (Request-Id, API-Version, Cache-Control, Server-Timing when D1 was
 * touched, D1-Bookmark when that was in a session),
 * and the log line.
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const startedAt = performance.now();
  const dbStats = newDbStats();
  c.set("requestId", newId("req"));
  c.set("startedAt", startedAt);
  c.set("dbStats", dbStats);
  const start = sessionStart(c);
  let session: D1DatabaseSession | undefined;
  c.set("db", db);
  await withDb(
    start === null ? () => c.env.DB : () => (session ??= c.env.DB.withSession(start)),
    dbStats,
    next,
  );
  // A replayed idempotent response keeps the Request-Id of the request that did the work.
  if (!c.res.headers.has("Request-Id")) c.res.headers.set("Request-Id", c.get("requestId"));
  c.res.headers.set("API-Version", c.get("apiVersion") ?? LATEST_API_VERSION);
  // Every answer says how it may be cached: only the storefront's reads and the immutable images
  // set their own; everything else is for this client alone, now (an edge cache in front of the
  // Worker would otherwise keep it by its default rules).
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", NO_STORE);
  if (dbStats.queries > 0) {
    const bookmark = session?.getBookmark();
    if (bookmark) c.res.headers.set("D1-Bookmark", bookmark);
    c.res.headers.append(
      "Server-Timing",
      `db;dur=${dbStats.durationMs.toFixed(1)};desc="rows_read=${dbStats.rowsRead} rows_written=${dbStats.rowsWritten} queries=${dbStats.queries}"`,
    );
    c.res.headers.append("Server-Timing", `total;dur=${(performance.now() - startedAt).toFixed(1)}`);
  }
  logRequest(c, performance.now() - startedAt);
});
