import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { sha256Hex, sha256HexOfBytes } from "../lib/crypto";
import { ApiError, type ErrorKey } from "../lib/errors";
import { type IdPrefix, newId, ulid } from "../lib/ids";
import { readCapped } from "../middleware/json-body";
import { type Claim, completeClaim, releaseClaim, relock, takeClaim } from "./idempotency.repo";

/** A key is new again 24 h after its first use. */
export const IDEMPOTENCY_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** How long a request holds its claim: one that died frees the key after this. */
export const IDEMPOTENCY_LOCK_MS = 60 * 1000;
/** Bodies up to this size are fingerprinted; a larger one is refused by its route (413) anyway. */
const MAX_FINGERPRINTED_BYTES = 10 * 1024 * 1024;

/** Responses that were decided before the handler ran, or that a corrected retry must not meet. */
const NOT_STORED = new Set<string>([
  "unauthorized",
  "forbidden",
  "org_required",
  "unsupported_api_version",
  "invalid_data",
  "invalid_json",
  "invalid_idempotency_key",
  "payload_too_large",
  "unsupported_media_type",
  "method_not_allowed",
  "idempotency_key_in_use",
  "idempotency_key_reused",
  "rate_limited",
] satisfies ErrorKey[]);

/**
 * Headers a replay repeats. Request-Id is the original's, as in the stored body, so that a replay
 * points at the request that did the work; Server-Timing and the rest belong to the replay.
 */
const STORED_HEADERS = ["Content-Type", "Location", "ETag", "Request-Id"];

type StoredResponse = {
  fingerprint: string;
  /** When the key was first used (epoch ms): the lifetime counts from there. */
  created_at: number;
  status: number;
  headers: Record<string, string>;
  body: string;
};

const invalidKey = () => new ApiError("invalid_idempotency_key");
const inUse = () => new ApiError("idempotency_key_in_use", { headers: { "Retry-After": "1" } });
const reused = () => new ApiError("idempotency_key_reused");

const PRINTABLE = /^[\x20-\x7e]{1,255}$/;

/** `Idempotency-Key` as a raw token or an RFC 8941 string (`"…"`, with `\"` and `\\`): one key either way. */
export function parseIdempotencyKey(header: string): string {
  let key = header.trim();
  if (key.startsWith('"')) {
    const match = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/.exec(key);
    if (!match) throw invalidKey();
    key = (match[1] as string).replace(/\\(["\\])/g, "$1");
  }
  if (!PRINTABLE.test(key)) throw invalidKey();
  return key;
}

/** JSON with object keys sorted, so that key order does not change a fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Method, path, Org-Id, API-Version and the body (canonical JSON when it parses, else its bytes). */
async function fingerprintOf(c: Context<AppEnv>): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(c.req.raw.clone(), MAX_FINGERPRINTED_BYTES);
  } catch {
    return undefined;
  }
  let body: string;
  try {
    body = `json:${canonicalJson(JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes)))}`;
  } catch {
    // not JSON (an image upload, or a body the route will refuse): its exact bytes
    body = `bytes:${await sha256HexOfBytes(bytes)}`;
  }
  const parts = [c.req.method, c.req.path, c.req.header("Org-Id") ?? "", c.get("apiVersion"), body];
  return sha256Hex(JSON.stringify(parts));
}

function replay(stored: StoredResponse): Response {
  return new Response(stored.body, {
    status: stored.status,
    headers: { ...stored.headers, "Idempotent-Replayed": "true" },
  });
}

/** The error key of a response in the one error shape, if it is one. */
async function errorKeyOf(response: Response): Promise<string | undefined> {
  if (response.status < 400) return undefined;
  try {
    return ((await response.clone().json()) as { key?: string }).key;
  } catch {
    return undefined;
  }
}

/**
 * Idempotency-Key on POST and PATCH (the contract, Idempotency). KV holds the stored responses; the
 * claim in D1 decides which request runs. A request that owns the claim runs with
 * `idempotencyClaimId` set: creates use it for the new resource's id (resourceId), and every keyed
 * write records it in the batch that applies it (markApplied), so running the request again (after
 * a crash, or when KV lost the response) finds the earlier write instead of applying it twice.
 */
export const idempotency = (scopeOf: (c: Context<AppEnv>) => string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("Idempotency-Key");
    if (header === undefined || (c.req.method !== "POST" && c.req.method !== "PATCH")) return next();
    const keyHash = await sha256Hex(parseIdempotencyKey(header));
    const fingerprint = await fingerprintOf(c);
    if (fingerprint === undefined) return next();

    const scope = scopeOf(c);
    const storageKey = `${scope}:${keyHash}`;
    const now = Date.now();
    const stored = await c.env.IDEMPOTENCY.get<StoredResponse>(storageKey, "json");
    if (stored && stored.created_at + IDEMPOTENCY_LIFETIME_MS > now) {
      if (stored.fingerprint !== fingerprint) throw reused();
      c.res = replay(stored);
      return;
    }

    const db = c.get("db");
    const outcome = await takeClaim(
      db,
      {
        scope,
        key: keyHash,
        fingerprint,
        claimId: ulid(now),
        createdAt: now,
        lockedUntil: now + IDEMPOTENCY_LOCK_MS,
      },
      { lifetimeMs: IDEMPOTENCY_LIFETIME_MS, lockMs: IDEMPOTENCY_LOCK_MS },
    );
    if ("reused" in outcome) throw reused();
    if ("inUse" in outcome) throw inUse();
    // Done, but the response is not in KV (its put failed, or it is not visible here yet): run the
    // request again under the same claim; its write finds what it did the first time.
    const owned = "done" in outcome ? await relock(db, outcome.done, now + IDEMPOTENCY_LOCK_MS) : outcome;
    if (!("owned" in owned)) throw inUse();
    const claim: Claim = owned.owned;

    c.set("idempotencyClaimId", claim.claimId);
    await next();
    c.res.headers.set("Request-Id", c.get("requestId"));

    const errorKey = await errorKeyOf(c.res);
    if (errorKey !== undefined && NOT_STORED.has(errorKey)) {
      await releaseClaim(db, claim);
      return;
    }
    const response: StoredResponse = {
      fingerprint,
      created_at: claim.createdAt,
      status: c.res.status,
      headers: Object.fromEntries(
        STORED_HEADERS.flatMap((name) => {
          const value = c.res.headers.get(name);
          return value === null ? [] : [[name, value]];
        }),
      ),
      body: await c.res.clone().text(),
    };
    try {
      await c.env.IDEMPOTENCY.put(storageKey, JSON.stringify(response), {
        expirationTtl: IDEMPOTENCY_LIFETIME_MS / 1000,
      });
    } catch (error) {
      // The claim still completes: a retry that misses KV runs again and finds the write.
      console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), error: String(error) }));
    }
    await completeClaim(db, claim);
  });

/** The id of what this request creates: fixed by its idempotency claim when it has one. */
export const resourceId = (c: Context<AppEnv>, prefix: IdPrefix, time?: number) =>
  c.get("idempotencyClaimId") ? `${prefix}_${c.get("idempotencyClaimId")}` : newId(prefix, time);
