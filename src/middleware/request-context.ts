import { createMiddleware } from "hono/factory";
import { createDb, newDbStats } from "../db/client";
import type { AppEnv } from "../env";
import { newId } from "../lib/ids";
import { LATEST_API_VERSION } from "./api-version";

/**
 * First in the chain: a request id, a metered D1 handle, and the headers every response
 * carries (Request-Id, API-Version, and Server-Timing when D1 was touched).
 */
export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const startedAt = performance.now();
  const dbStats = newDbStats();
  c.set("requestId", newId("req"));
  c.set("startedAt", startedAt);
  c.set("dbStats", dbStats);
  c.set("db", createDb(c.env.DB, dbStats));
  await next();
  c.res.headers.set("Request-Id", c.var.requestId);
  c.res.headers.set("API-Version", c.var.apiVersion ?? LATEST_API_VERSION);
  if (dbStats.queries > 0) {
    const total = performance.now() - startedAt;
    c.res.headers.append(
      "Server-Timing",
      `db;dur=${dbStats.durationMs.toFixed(1)};desc="rows_read=${dbStats.rowsRead} rows_written=${dbStats.rowsWritten} queries=${dbStats.queries}"`,
    );
    c.res.headers.append("Server-Timing", `total;dur=${total.toFixed(1)}`);
  }
});
