import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Database, db, newDbStats, withDb } from "../../src/db/client";
import * as eventsRepo from "../../src/events/events.repo";
import * as webhooks from "../../src/events/webhooks.repo";
import * as listing from "../../src/products/products.listing";
import * as lookups from "../../src/products/products.lookups";
import * as storefrontRepo from "../../src/storefront/storefront.repo";

/**
 * A query plan is deterministic for a schema and a query, so the listing's index use is asserted
 * here rather than guessed from timings: every filter is served by an index walked in id order,
 * so a page stops after `limit + 1` matches whatever the catalogue's size.
 */

type Statement = { sql: string; params: unknown[] };

/** A D1 that records the statements the repository sends (and still runs them). */
function recordingD1(seen: Statement[]): D1DatabaseSession {
  const statement = (sql: string, params: unknown[]) => ({
    bind: (...values: unknown[]) => statement(sql, values),
    all: () => {
      seen.push({ sql, params });
      return env.DB.prepare(sql)
        .bind(...params)
        .all();
    },
  });
  return { prepare: (sql: string) => statement(sql, []) } as unknown as D1DatabaseSession;
}

/** Runs `query` with its statements recorded into `seen`. */
const recorded = <T>(seen: Statement[], query: (db: Database) => Promise<T>) =>
  withDb(
    () => recordingD1(seen),
    newDbStats(),
    () => query(db),
  );

async function plansOf(filters: listing.ProductFilters, after?: listing.Position): Promise<string[]> {
  const seen: Statement[] = [];
  await recorded(seen, (db) =>
    listing.listProducts(db, "org_plan", filters, { limit: 20, ascending: false, after }),
  );
  expect(seen).toHaveLength(1);
  const [{ sql, params }] = seen as [Statement];
  const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return plan.results.map((row) => row.detail);
}

const CASES: [string, listing.ProductFilters, listing.Position?][] = [
  ["no filter", { lookups: [] }],
  ["a cursor", { lookups: [] }, { id: "prod_01M8401HZX7DZ9BB7KQAKCE82Q" }],
  ["status", { lookups: [], status: ["active"] }],
  ["status and a cursor", { lookups: [], status: ["active"] }, { id: "prod_01M8401HZX7DZ9BB7KQAKCE82Q" }],
  ["two statuses", { lookups: [], status: ["active", "draft"] }],
  ["type", { lookups: [], type: "service" }],
  ["created_after and created_before", { lookups: [], createdAfter: "prod_0", createdBefore: "prod_Z" }],
  ["sku", { lookups: [{ kind: "sku", value: "ESP-1" }] }],
  ["gtin", { lookups: [{ kind: "gtin", value: "04006381333931" }] }],
  ["agent_id", { lookups: [{ kind: "agent_id", value: "agent-a" }] }],
  ["tag and status", { lookups: [{ kind: "tag", value: "coffee" }], status: ["active"] }],
  ["tag and type", { lookups: [{ kind: "tag", value: "coffee" }], type: "physical" }],
  [
    "tag and a cursor",
    { lookups: [{ kind: "tag", value: "coffee" }] },
    { id: "prod_01M8401HZX7DZ9BB7KQAKCE82Q" },
  ],
  [
    "two tags",
    {
      lookups: [
        { kind: "tag", value: "coffee" },
        { kind: "tag", value: "kitchen" },
      ],
    },
  ],
  ["search", { lookups: [], search: ["espr"] }],
  ["search and tag", { lookups: [{ kind: "tag", value: "coffee" }], search: ["espr"] }],
  ["search and a cursor", { lookups: [], search: ["espr"] }, { seq: 10 }],
];

describe("listing query plans", () => {
  it.each(CASES)("%s: index search in id order, no table scan, no sort", async (_name, filters, after) => {
    const plan = await plansOf(filters, after);
    const text = plan.join("\n");
    expect(text).not.toMatch(/SCAN (products|product_lookups)\b/);
    expect(text).not.toMatch(/TEMP B-TREE/);
    // The first step is the one that bounds the page: an index search or the full-text index.
    expect(plan[0]).toMatch(
      /^SEARCH (products|product_lookups) USING (COVERING )?INDEX|^SCAN products_fts VIRTUAL TABLE/,
    );
    for (const step of plan.slice(1)) expect(step).toMatch(/^SEARCH /);
  });

  it("updated_after searches its index and sorts the matches (documented: a sync feed reads what changed)", async () => {
    const plan = await plansOf({ lookups: [], updatedAfter: "2026-01-01T00:00:00.000Z" });
    expect(plan[0]).toMatch(
      /^SEARCH products USING INDEX products_org_updated_idx \(org_id=\? AND updated_at>\?\)/,
    );
  });
});

describe("slug generation's query plan", () => {
  it("reads one range of the org's slugs in the locale, not every slug of the org", async () => {
    const seen: Statement[] = [];
    await recorded(seen, (db) => lookups.takenSlugs(db, "org_plan", "prod_x", "en", "kettle"));
    const [{ sql, params }] = seen as [Statement];
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    expect(plan.results.map((row) => row.detail)).toEqual([
      expect.stringMatching(
        /^SEARCH product_lookups USING COVERING INDEX \S+ \(org_id=\? AND kind=\? AND value>\? AND value<\?\)$/,
      ),
    ]);
  });
});

describe("the storefront's slug lookup", () => {
  // In the index's own order (product id, then locale), for a stable winner: no sort step.
  it("reads the slug's rows of the org from the slug index in its order, then each product by id", async () => {
    const seen: Statement[] = [];
    await recorded(seen, (db) => storefrontRepo.findBySlug(db, "org_plan", "kettle"));
    const [{ sql, params }] = seen as [Statement];
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>();
    expect(plan.results.map((row) => row.detail)).toEqual([
      expect.stringMatching(
        /^SEARCH product_lookups USING COVERING INDEX product_lookups_slug_idx \(org_id=\? AND <expr>=\?\)$/,
      ),
      expect.stringMatching(/^SEARCH products USING INDEX products_id_unique \(id=\?\)$/),
    ]);
  });
});

describe("the webhook sweeps' queries", () => {
  const planOf = async (query: { sql: string; params: unknown[] }) =>
    (
      await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
        .bind(...query.params)
        .all<{ detail: string }>()
    ).results.map((row) => row.detail);

  it("the re-send reads the overdue pending deliveries from their partial index, in due order, then each by rowid", async () => {
    const plan = await planOf(webhooks.claimOverdueDeliveries(db, 1, 2, 500).toSQL());
    expect(plan).toEqual([
      "SEARCH webhook_delivery_states USING INTEGER PRIMARY KEY (rowid=?)",
      "LIST SUBQUERY 1",
      "SEARCH webhook_delivery_states USING COVERING INDEX webhook_delivery_states_due_idx (due_at<?)",
    ]);
  });

  it("the expiry deletes the delivery states of old events by the primary key's event id", async () => {
    const plan = await planOf(webhooks.deleteDeliveryStatesBefore(db, "evt_0", 10_000).toSQL());
    expect(plan).toEqual([
      "SEARCH webhook_delivery_states USING INTEGER PRIMARY KEY (rowid=?)",
      "LIST SUBQUERY 1",
      expect.stringMatching(
        /^SEARCH webhook_delivery_states USING COVERING INDEX sqlite_autoindex_webhook_delivery_states_1 \(event_id<\?\)$/,
      ),
    ]);
  });

  it("a dispatch writes its deliveries from the org's undispatched events and endpoints, by index", async () => {
    const ids = Array.from({ length: 98 }, (_, index) => `evt_${index}`);
    const query = eventsRepo.insertPendingDeliveries(db, "org_plan", ids, 0).toSQL();
    expect(query.params).toHaveLength(100);
    const plan = await planOf(query);
    expect(plan.slice(0, 2)).toEqual([
      "SEARCH events USING INDEX events_undispatched_idx (org_id=? AND id=?)",
      "SEARCH webhook_endpoints USING INDEX webhook_endpoints_org_idx (org_id=?)",
    ]);
    expect(plan.join("\n")).not.toMatch(/SCAN (events|webhook_endpoints)\b|TEMP B-TREE/);
  });

  it("the re-dispatch finds the orgs by index searches of the undispatched events, never a scan", async () => {
    const seen: Statement[] = [];
    await recorded(seen, (db) => eventsRepo.orgsWithUndispatched(db, "evt_0"));
    const [statement] = seen as [Statement];
    const plan = (await planOf(statement)).join("\n");
    expect(plan).not.toMatch(/SCAN events\b|TEMP B-TREE/);
    // The next org after the last, then that org's oldest undispatched event.
    expect(plan).toContain("SEARCH events USING INDEX events_undispatched_idx (org_id>?)");
    expect(plan).toContain("SEARCH events USING INDEX events_undispatched_idx (org_id=?)");
  });
});
