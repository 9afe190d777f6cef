// The edge cache in front of the Worker (Workers Cache, wrangler.toml `[cache]`): what the
// storefront's public answers are tagged with, and the one way to purge them (docs/storefront.md,
// "Caching"). A cache hit never runs the Worker, so every change a shopper could see purges here.
import type { Context } from "hono";
import type { AppEnv } from "../env";

/** The tags of a storefront answer: its org, its product (or the org's list), the key that read it. */
export const cacheTags = {
  org: (orgId: string) => `org:${orgId}`,
  list: (orgId: string) => `org:${orgId}:list`,
  product: (productId: string) => `product:${productId}`,
  key: (keyId: string) => `key:${keyId}`,
};

/** Purges what carries any of `tags`, after the response (the purge runs in waitUntil). */
export type Purge = (tags: string[]) => void;

/** The part of ExecutionContext a purge uses; `cache` is there with Workers Cache on, in production. */
export type PurgingContext = {
  waitUntil(promise: Promise<unknown>): void;
  cache?: { purge?: (options: { tags: string[] }) => Promise<unknown> };
};

/**
 * What a local run (wrangler dev, tests) would have purged, newest last: `ctx.cache` exists only
 * in production. Kept to the last MAX_RECORDED, so that a long local session does not grow.
 */
export const recordedPurges: string[][] = [];
const MAX_RECORDED = 1000;

/** The request's ExecutionContext; hono throws when there is none (a bare app.request()). */
function executionContextOf(c: Context<AppEnv>): PurgingContext | undefined {
  try {
    return c.executionCtx as PurgingContext;
  } catch {
    return undefined;
  }
}

/** The purge of this request: through `ctx.cache` in production, recorded where there is none. */
export function purgeOf(c: Context<AppEnv>): Purge {
  const ctx = executionContextOf(c);
  return (tags) => {
    if (tags.length === 0) return;
    const purge = ctx?.cache?.purge;
    if (ctx && typeof purge === "function") {
      // A failed purge leaves the answer cached until its max-age: logged, never the request's error.
      ctx.waitUntil(
        purge
          .call(ctx.cache, { tags })
          .catch((error: unknown) =>
            console.error(
              JSON.stringify({ level: "error", event: "cache_purge_failed", tags, error: String(error) }),
            ),
          ),
      );
      return;
    }
    recordedPurges.push(tags);
    if (recordedPurges.length > MAX_RECORDED) recordedPurges.shift();
  };
}
