import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { apiKeys, orgs } from "../db/schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type OrgRow = typeof orgs.$inferSelect;

export type ActiveKey = { id: string; type: "secret" | "publishable"; orgIds: string[]; scopes: string[] };

/**
 * Keys this isolate found in the last second, so that a busy key costs one D1 read a second,
 * not one a request. API.md lets a revoked key live at most 1 s; revoking through this isolate
 * evicts at once (see forgetKey).
 */
const KEY_CACHE_MS = 1000;
const KEY_CACHE_SIZE = 1000;
const keyCache = new Map<string, { key: ActiveKey; until: number }>();

/** The live key with this hash: one indexed row, or this isolate's copy of it from the last second. */
export async function findActiveKey(db: Database, keyHash: string): Promise<ActiveKey | undefined> {
  const now = Date.now();
  const cached = keyCache.get(keyHash);
  if (cached && cached.until > now) return cached.key;
  keyCache.delete(keyHash);
  const [row] = await db
    .select({ id: apiKeys.id, type: apiKeys.type, orgIds: apiKeys.orgIds, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
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

export function listOrgs(db: Database) {
  return db.select().from(orgs).orderBy(orgs.id);
}

export async function findExistingOrgIds(db: Database, ids: string[]): Promise<Set<string>> {
  const rows = await db.select({ id: orgs.id }).from(orgs).where(inArray(orgs.id, ids));
  return new Set(rows.map((row) => row.id));
}

export async function insertApiKey(db: Database, key: ApiKeyRow): Promise<void> {
  await db.insert(apiKeys).values(key);
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
