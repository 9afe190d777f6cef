import { and, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { batch, type Database, preparedOnce } from "../db/client";
import { apiKeyOrigins, apiKeys, orgs } from "../db/schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type OrgRow = typeof orgs.$inferSelect;

export type ActiveKey = {
  id: string;
  type: "secret" | "publishable";
  orgIds: string[];
  scopes: string[];
  allowedOrigins: string[];
};

/**
 * Keys this isolate found in the last second, so that a busy key costs one D1 read a second,
 * not one a request. the contract lets a revoked key live at most 1 s; revoking through this isolate
 * evicts at once (see forgetKey).
 */
const KEY_CACHE_MS = 1000;
const KEY_CACHE_SIZE = 1000;
const keyCache = new Map<string, { key: ActiveKey; until: number }>();

const activeKeyByHash = preparedOnce((db) =>
  db
    .select({
      id: apiKeys.id,
      type: apiKeys.type,
      orgIds: apiKeys.orgIds,
      scopes: apiKeys.scopes,
      allowedOrigins: apiKeys.allowedOrigins,
    })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, sql.placeholder("keyHash")), isNull(apiKeys.revokedAt)))
    .limit(1)
    .prepare(),
);

/** The live key with this hash: one indexed row, or this isolate's copy of it from the last second. */
export async function findActiveKey(db: Database, keyHash: string): Promise<ActiveKey | undefined> {
  const now = Date.now();
  const cached = keyCache.get(keyHash);
  if (cached && cached.until > now) return cached.key;
  keyCache.delete(keyHash);
  const [row] = await activeKeyByHash(db).all({ keyHash });
  if (row) {
    // Map keeps insertion order: the first entry is the oldest.
    if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(keyHash, { key: row, until: now + KEY_CACHE_MS });
  }
  return row;
}

function forgetKey(id: string) {
  for (const [hash, entry] of keyCache) if (entry.key.id === id) keyCache.delete(hash);
}

/** Inserts the org; an org with this id already (a retried idempotent create) is returned as it is. */
export async function insertOrg(db: Database, org: OrgRow): Promise<OrgRow> {
  const [inserted] = await db.insert(orgs).values(org).onConflictDoNothing().returning();
  if (inserted) return inserted;
  const [existing] = await db.select().from(orgs).where(eq(orgs.id, org.id)).limit(1);
  return existing ?? org;
}

/** Sets the fields given (undefined: kept); the org as it now is, undefined when there is none. */
export async function updateOrg(
  db: Database,
  id: string,
  fields: { name?: string; defaultCurrency?: string },
): Promise<OrgRow | undefined> {
  const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  if (Object.keys(set).length === 0) return findOrg(db, id);
  const [row] = await db.update(orgs).set(set).where(eq(orgs.id, id)).returning();
  return row;
}

export async function findOrg(db: Database, id: string): Promise<OrgRow | undefined> {
  const [row] = await db.select().from(orgs).where(eq(orgs.id, id)).limit(1);
  return row;
}

/** Orgs newest first (by id: ULIDs), at most `limit`, those older than `before`. */
export function listOrgs(db: Database, limit: number, before?: string) {
  return db
    .select()
    .from(orgs)
    .where(before === undefined ? undefined : lt(orgs.id, before))
    .orderBy(desc(orgs.id))
    .limit(limit);
}

export async function findExistingOrgIds(db: Database, ids: string[]): Promise<Set<string>> {
  const rows = await db.select({ id: orgs.id }).from(orgs).where(inArray(orgs.id, ids));
  return new Set(rows.map((row) => row.id));
}

/** The key and its allowed origins, in one batch, after `first` (a keyed create's keepAnswer) if given. */
export async function insertApiKey(db: Database, key: ApiKeyRow, first?: BatchItem<"sqlite">): Promise<void> {
  const origins = key.allowedOrigins.map((origin) => ({ origin, keyId: key.id }));
  await batch(db, [
    ...(first ? [first] : []),
    db.insert(apiKeys).values(key),
    ...(origins.length > 0 ? [db.insert(apiKeyOrigins).values(origins)] : []),
  ]);
  for (const origin of key.allowedOrigins) originCache.delete(origin);
}

/**
 * Whether some live publishable key allows this origin, as this isolate last saw it: for a minute
 * when one does, 5 seconds when none does (so a new key's origins work soon everywhere). CORS
 * headers only let a browser read what the key check then allows or refuses, so a minute's
 * staleness after a revocation grants nothing; it keeps preflights and images off D1.
 */
const ORIGIN_CACHE_MS = { known: 60_000, unknown: 5_000 };
const ORIGIN_CACHE_SIZE = 1000;
const originCache = new Map<string, { allowed: boolean; until: number }>();

export async function isKnownOrigin(db: Database, origin: string): Promise<boolean> {
  const now = Date.now();
  const cached = originCache.get(origin);
  if (cached && cached.until > now) return cached.allowed;
  originCache.delete(origin);
  const [row] = await db
    .select({ keyId: apiKeyOrigins.keyId })
    .from(apiKeyOrigins)
    .innerJoin(apiKeys, eq(apiKeys.id, apiKeyOrigins.keyId))
    .where(and(eq(apiKeyOrigins.origin, origin), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (originCache.size >= ORIGIN_CACHE_SIZE) originCache.delete(originCache.keys().next().value as string);
  const allowed = row !== undefined;
  originCache.set(origin, { allowed, until: now + ORIGIN_CACHE_MS[allowed ? "known" : "unknown"] });
  return allowed;
}

export async function revokeApiKey(db: Database, id: string, revokedAt: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  forgetKey(id);
  return rows.length > 0;
}
