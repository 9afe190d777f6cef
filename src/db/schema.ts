import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const orgs = sqliteTable("orgs", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: text("created_at").notNull(),
  /** The currency of prices sent without one (the Wethod dialect's); set through the admin API. */
  defaultCurrency: text("default_currency").notNull().default("EUR"),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    type: text("type", { enum: ["secret", "publishable"] }).notNull(),
    // SHA-256 (hex) of the key; the key itself is not stored here (a keyed create's answer keeps it
    // in idempotency_applied for 24 h, as KV does).
    keyHash: text("key_hash").notNull(),
    // JSON arrays, so that authenticating a request reads exactly one row.
    orgIds: text("org_ids", { mode: "json" }).$type<string[]>().notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (table) => [uniqueIndex("api_keys_key_hash_unique").on(table.keyHash)],
);

/**
 * The allowed origins of publishable keys, one row each, so that a CORS preflight (which carries
 * no key) finds in one index read whether some live key allows its origin. Written with the key.
 */
export const apiKeyOrigins = sqliteTable(
  "api_key_origins",
  {
    origin: text("origin").notNull(),
    keyId: text("key_id").notNull(),
  },
  (table) => [primaryKey({ columns: [table.origin, table.keyId] })],
);

/**
 * One row per product. Filterable system fields are columns; every writable field lives in
 * `data` (JSON), which triggers fan out into product_lookups and products_fts. The whole SQL,
 * triggers and views with it, is in schema.sql (npm run db:schema). Its triggers:
 * - products_after_insert, products_lookups_after_update, products_after_delete: the
 *   product_lookups rows (sku, gtin, tags, agent ids, related ids, slugs) and the products_fts row
 *   (products_fts_after_update keeps that one on an update);
 * - products_related_check_insert, products_related_check_update: abort a write whose
 *   related_product_ids name a product not in the org (`related_product_missing`); a deleted
 *   product leaving the lists that named it is deleteProduct's, in products.repo.ts;
 * - products_images_after_delete: a deleted product's image rows go with it;
 * - products_event_insert, products_event_update, products_event_delete (BEFORE DELETE),
 *   products_event_low_stock, products_event_variant_low_stock: the events rows
 *   (product.created, .updated, .deleted, .low_stock), each with the product_event_snapshots view's
 *   snapshot, ids from the event_ids view.
 */
export const products = sqliteTable(
  "products",
  {
    // Integer rowid alias: the stable key of the full-text index.
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    orgId: text("org_id").notNull(),
    status: text("status").notNull(),
    type: text("type").notNull(),
    data: text("data").notNull(),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    // The product's images as the API shows them (JSON array by position), kept by triggers on
    // `images`, so that reading a product stays one row.
    images: text("images").notNull().default("[]"),
    totalScans: integer("total_scans").notNull().default(0),
    lastScannedAt: text("last_scanned_at"),
    // The last inventory adjustment, `{version, delta, reason}` (JSON), `version` being the one it
    // made: events keep it in their snapshot and show it when their version is that one (0013).
    adjustment: text("adjustment"),
    // The product's number in its org: 1, 2, 3, … in the order of creation, never reused (the next
    // one is org_product_numbers.last + 1). Set by insertProduct; null only in rows older than 0020.
    number: integer("number"),
  },
  (table) => [
    uniqueIndex("products_id_unique").on(table.id),
    uniqueIndex("products_org_number_unique").on(table.orgId, table.number),
    index("products_org_id_idx").on(table.orgId, table.id),
    index("products_org_status_idx").on(table.orgId, table.status, table.id),
    index("products_org_type_idx").on(table.orgId, table.type, table.id),
    index("products_org_updated_idx").on(table.orgId, table.updatedAt),
  ],
);

/** The last product number an org gave (insertProduct takes the next in its batch). */
export const orgProductNumbers = sqliteTable("org_product_numbers", {
  orgId: text("org_id").primaryKey(),
  last: integer("last").notNull(),
});

/**
 * Exact-match keys of a product (sku, gtin, tag, agent_id), maintained by triggers from
 * products.data. They back the list filters, and a partial unique index makes sku, gtin and slug
 * unique per org, so two racing writes cannot both win.
 */
export const productLookups = sqliteTable(
  "product_lookups",
  {
    orgId: text("org_id").notNull(),
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    productId: text("product_id").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.orgId, table.kind, table.value, table.productId] }),
    uniqueIndex("product_lookups_identifier_unique")
      .on(table.orgId, table.kind, table.value)
      .where(sql`kind IN ('sku', 'gtin', 'slug')`),
    index("product_lookups_product_idx").on(table.productId),
    // A slug in any locale (`<locale>:<slug>` → `<slug>`): the storefront finds a product by its
    // slug before it knows which of the product's locales the request resolves to. Covering, or
    // SQLite prefers the primary key's (org_id, kind) and reads every slug of the org.
    index("product_lookups_slug_idx")
      .on(table.orgId, sql`substr(value, instr(value, ':') + 1)`, table.productId, table.value)
      .where(sql`kind = 'slug'`),
  ],
);

/**
 * The claim that serialises requests with one Idempotency-Key (per api key): KV holds the stored
 * responses but has no atomic operation, so who runs the handler is decided here. `claim_id` (a
 * ULID) also names what the request creates, so a retry of a request that died after its write
 * finds that write instead of making a second one.
 */
export const idempotencyClaims = sqliteTable(
  "idempotency_claims",
  {
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    claimId: text("claim_id").notNull(),
    // Epoch ms. The key's lifetime runs from createdAt; lockedUntil is set while a request holds
    // the claim (a request that died loses it then) and null once its response is stored.
    createdAt: integer("created_at").notNull(),
    lockedUntil: integer("locked_until"),
  },
  (table) => [
    primaryKey({ columns: [table.scope, table.key] }),
    index("idempotency_claims_created_idx").on(table.createdAt),
  ],
);

/**
 * The claims whose write was applied: a keyed write (other than a create, whose id comes from its
 * claim) inserts its claim id here in the batch that applies it, only if that write changed a row,
 * so a second run of the same claim conflicts on the key and its whole batch rolls back (the
 * contract, Idempotency: exactly once). `answer` keeps a response that the current state cannot
 * give again (a new API key's secret). Swept with the claims, by the time in the claim id.
 * WITHOUT ROWID (migration 0015): one b-tree, one row written per keyed write.
 */
export const idempotencyApplied = sqliteTable("idempotency_applied", {
  claimId: text("claim_id").primaryKey(),
  answer: text("answer"),
});

/**
 * One stored image of a product; its bytes are the R2 object `r2_key`. Its triggers
 * images_after_insert, images_after_update and images_after_delete write the product's `images`
 * column (the API's list, by position) from the product_images_json view.
 */
export const images = sqliteTable(
  "images",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    productId: text("product_id").notNull(),
    r2Key: text("r2_key").notNull(),
    sourceUrl: text("source_url"),
    contentType: text("content_type").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    // The size as shown: the bytes' EXIF orientation (1–8, 1 for none) applied, so 5–8 swap the
    // stored sides. Rows from before migration 0014 are orientation 1 with the size as stored.
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    orientation: integer("orientation").notNull().default(1),
    sha256: text("sha256").notNull(),
    alt: text("alt"),
    position: integer("position").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [
    // The same bytes are stored once per product.
    uniqueIndex("images_product_sha256_unique").on(table.productId, table.sha256),
    index("images_product_position_idx").on(table.productId, table.position),
  ],
);

/**
 * Where a cron sweep that walks a large listing in slices (R2 images) left off, so that each
 * run does a bounded amount of work and the next one goes on from there.
 */
export const sweepCursors = sqliteTable("sweep_cursors", {
  name: text("name").primaryKey(),
  // The last key the sweep looked at; "" means start from the beginning.
  after: text("after").notNull(),
});

/**
 * One row per product change, written by triggers on `products` (migration 0010) in the same
 * statement as the change, so an event exists exactly when its change happened.
 */
export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    type: text("type").notNull(),
    productId: text("product_id").notNull(),
    productVersion: integer("product_version").notNull(),
    // The product's row as the change left it (as it was, for a delete), as JSON with the columns'
    // TypeScript names: read back, it is rendered like any product.
    product: text("product").notNull(),
    // product.updated: `["images"]` when the change changed the images, else `[]` (JSON array); the
    // changed fields of `data` are added when the event is read, from `previousData`.
    changedFields: text("changed_fields"),
    // product.updated: the product's `data` before the change (migration 0011).
    previousData: text("previous_data"),
    createdAt: text("created_at").notNull(),
    // Set once the consumer has handed the event to its endpoints; the cron re-sends what stays unset.
    dispatchedAt: text("dispatched_at"),
  },
  (table) => [
    index("events_org_idx").on(table.orgId, table.id),
    index("events_org_type_idx").on(table.orgId, table.type, table.id),
    index("events_product_version_idx").on(table.productId, table.productVersion),
    index("events_undispatched_idx").on(table.orgId, table.id).where(sql`dispatched_at IS NULL`),
  ],
);

/** Where an org's events are sent; the secret signs them (Standard Webhooks). */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    url: text("url").notNull(),
    events: text("events", { mode: "json" }).$type<string[]>().notNull(),
    description: text("description"),
    secret: text("secret").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("webhook_endpoints_org_idx").on(table.orgId, table.id)],
);

/**
 * Where each event's delivery to each endpoint stands, written when the event is dispatched (in the
 * batch that marks it), so a lost queue message or a crashed consumer loses no delivery: the
 * per-minute cron re-sends a pending one whose next attempt is overdue (src/scheduled.ts).
 */
export const webhookDeliveryStates = sqliteTable(
  "webhook_delivery_states",
  {
    eventId: text("event_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    orgId: text("org_id").notNull(),
    // One of DELIVERY_STATES (src/events/events.repo.ts): pending, delivered, dead.
    state: text("state").notNull(),
    // Attempts that finished (each has a row in webhook_deliveries).
    attempts: integer("attempts").notNull(),
    // Unix ms when the next attempt is due (set while pending).
    dueAt: integer("due_at"),
  },
  (table) => [
    primaryKey({ columns: [table.eventId, table.endpointId] }),
    // Only pending rows: a settled delivery leaves the index, so the sweep reads what is overdue.
    index("webhook_delivery_states_due_idx").on(table.dueAt).where(sql`state = 'pending'`),
  ],
);

/** One row per delivery attempt of an event to an endpoint. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    attempt: integer("attempt").notNull(),
    // The receiver's status; null when none came (timeout, connection error, refused URL).
    statusCode: integer("status_code"),
    // One of DELIVERY_OUTCOMES (src/events/events.repo.ts).
    outcome: text("outcome").notNull(),
    durationMs: integer("duration_ms").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("webhook_deliveries_endpoint_idx").on(table.endpointId, table.id)],
);
