import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { apiKeys, orgs } from "../db/schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type OrgRow = typeof orgs.$inferSelect;

/** The live key with this hash: one indexed row, read on every request (no cache, so a revocation holds at once). */
export async function findActiveKey(db: Database, keyHash: string) {
  const [row] = await db
    .select({ id: apiKeys.id, type: apiKeys.type, orgIds: apiKeys.orgIds, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return row;
}

export async function insertOrg(db: Database, org: OrgRow): Promise<OrgRow> {
  await db.insert(orgs).values(org);
  return org;
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
  return rows.length > 0;
}
