import type { Context } from "hono";
import type { Database } from "../db/client";
import type { AppEnv } from "../env";
import { parseAllowedHosts } from "../lib/url-safety";
import { type Purge, purgeOf } from "./edge-cache";
import { parseIfMatch, type VersionCondition } from "./http";

/**
 * What a write needs of its request, as plain values: the product write path
 * (src/products/products.write.ts) takes these and never sees Hono.
 */
export type WriteDeps = {
  db: Database;
  orgId: string;
  /** The api key that writes: `created_by`, `updated_by`. */
  keyId: string;
  /** A keyed request's idempotency claim: recorded with the write, which then applies once. */
  claimId?: string;
  /** `If-Match`, parsed; undefined when the request has none. */
  condition: VersionCondition;
  /** The request's time, in ms. */
  now: number;
  /** Where image bytes go (R2). */
  images: R2Bucket;
  /** `IMAGE_FETCH_ALLOWED_HOSTS`, parsed. */
  allowedHosts: ReadonlySet<string>;
  /** Purges the edge cache's storefront answers a write changed (shared/edge-cache.ts). */
  purge: Purge;
};

export const writeDeps = (c: Context<AppEnv>): WriteDeps => ({
  db: c.get("db"),
  orgId: c.get("auth").orgId,
  keyId: c.get("auth").keyId,
  claimId: c.get("idempotencyClaimId"),
  condition: parseIfMatch(c.req.header("If-Match")),
  now: Date.now(),
  images: c.env.IMAGES,
  allowedHosts: parseAllowedHosts(c.env.IMAGE_FETCH_ALLOWED_HOSTS),
  purge: purgeOf(c),
});
