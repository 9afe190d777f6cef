// The comparison peer: a minimal Fastify server over node:sqlite (Node 22's DatabaseSync) with the
// app's products, api_keys and product_lookups tables and indexes (taken from the migrations),
// seeded with the same generated products and key hash as the Worker. It serves /health,
// GET /v1/products/:id and GET /v1/products?limit=N with the same auth (one api_keys row by the
// key's SHA-256) and a product JSON shaped like the app's.
//
// Config: one JSON argument {db, count, seed, orgId, keyId, keyHash, baseTime}. Prints one JSON line
// {"ready":true,"port":…,"seed_ms":…} on stdout when listening on 127.0.0.1.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
import Fastify from "fastify";
import { products } from "../lib/catalog.mjs";

/**
 * @import { AddressInfo } from "node:net"
 * @import { FastifyReply, FastifyRequest } from "fastify"
 * @import { ProductFields } from "../../src/products/products.stored.ts"
 * @import { SeedRow } from "../lib/catalog.mjs"
 */
/**
 * The one argument, from bench/run.mjs: the database file, the catalogue to generate (as the
 * Worker's) and the key's id, org and SHA-256.
 * @typedef {{ db: string, count: number, seed: number, orgId: string, keyId: string, keyHash: string,
 *   baseTime: number }} PeerConfig
 */
/** @typedef {SeedRow & { total_scans: number, last_scanned_at: string | null }} PeerRow a row of products */
/** @typedef {{ id: string, type: string, org_ids: string, scopes: string }} KeyRow a row of api_keys, as findKey reads it */

const config = /** @type {PeerConfig} */ (JSON.parse(process.argv[2] ?? "{}"));
const TABLES = ["products", "api_keys", "product_lookups"];

/** The CREATE TABLE / CREATE INDEX statements of TABLES from the first migration. */
function schemaStatements() {
  const sql = readFileSync(new URL("../../migrations/0000_init.sql", import.meta.url), "utf8");
  return sql
    .split("--> statement-breakpoint")
    .map((statement) => statement.trim())
    .filter((statement) => {
      const table = /^CREATE TABLE `(\w+)`/.exec(statement)?.[1];
      const indexed = /^CREATE (?:UNIQUE )?INDEX `\w+` ON `(\w+)`/.exec(statement)?.[1];
      return TABLES.includes(table ?? indexed ?? "");
    });
}

/** @param {DatabaseSync} db */
function seed(db) {
  const started = performance.now();
  for (const statement of schemaStatements()) db.exec(statement);
  db.prepare(
    "INSERT INTO api_keys (id, name, type, key_hash, org_ids, scopes, allowed_origins, created_at) VALUES (?, ?, 'secret', ?, ?, ?, '[]', ?)",
  ).run(
    config.keyId,
    "benchmark",
    config.keyHash,
    JSON.stringify([config.orgId]),
    JSON.stringify(["product.edit"]),
    new Date().toISOString(),
  );
  const insert = db.prepare(
    "INSERT INTO products (id, org_id, status, type, data, version, created_at, updated_at, created_by, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  // What the Worker's insert trigger writes for sku, gtin and tags.
  const lookup = db.prepare(
    "INSERT OR IGNORE INTO product_lookups (org_id, kind, value, product_id) VALUES (?, ?, ?, ?)",
  );
  db.exec("BEGIN");
  for (const row of products(config)) {
    insert.run(
      row.id,
      row.org_id,
      row.status,
      row.type,
      row.data,
      row.version,
      row.created_at,
      row.updated_at,
      row.created_by,
      row.updated_by,
    );
    const fields = /** @type {ProductFields} */ (JSON.parse(row.data));
    if (fields.sku !== null) lookup.run(row.org_id, "sku", fields.sku, row.id);
    if (fields.gtin !== null) lookup.run(row.org_id, "gtin", fields.gtin.padStart(14, "0"), row.id);
    for (const tag of fields.tags) lookup.run(row.org_id, "tag", tag, row.id);
    for (const agent of fields.agent_ids) lookup.run(row.org_id, "agent_id", agent, row.id);
  }
  db.exec("COMMIT");
  return performance.now() - started;
}

/**
 * The API representation of a stored product, as the app's toProduct builds it.
 * @param {PeerRow} row
 */
function toProduct(row) {
  const fields = /** @type {ProductFields} */ (JSON.parse(row.data));
  return {
    id: row.id,
    object: "product",
    org_id: row.org_id,
    name: fields.name,
    description: fields.description,
    status: fields.status,
    type: fields.type,
    shippable: fields.shippable ?? fields.type === "physical",
    schedule_appointment: fields.schedule_appointment,
    sku: fields.sku,
    gtin: fields.gtin,
    tax_category: fields.tax_category,
    tax_behavior: fields.tax_behavior,
    prices: fields.prices,
    default_currency: fields.default_currency ?? fields.prices[0]?.currency ?? null,
    features: fields.features,
    tags: fields.tags,
    props: fields.props,
    agent_ids: fields.agent_ids,
    images: [],
    total_scans: row.total_scans,
    last_scanned_at: row.last_scanned_at,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
    created_by: row.created_by,
    updated_by: row.updated_by,
  };
}

const db = new DatabaseSync(config.db);
db.exec("PRAGMA journal_mode = WAL");
db.exec("PRAGMA synchronous = NORMAL");
const seedMs = seed(db);

const findKey = db.prepare(
  "SELECT id, type, org_ids, scopes FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL LIMIT 1",
);
const findProduct = db.prepare("SELECT * FROM products WHERE id = ? AND org_id = ? LIMIT 1");
const listProducts = db.prepare("SELECT * FROM products WHERE org_id = ? ORDER BY id DESC LIMIT ?");

const KEY_PATTERN = /^Bearer\s+((?:sk|pk)_[A-Za-z0-9]{16,128})\s*$/i;

/**
 * @param {FastifyReply} reply
 * @param {number} status
 * @param {string} key
 * @param {string} message
 */
function error(reply, status, key, message) {
  return reply.code(status).send({ key, message, request_id: "req_peer" });
}

/**
 * The org of the request's key, or undefined when the request is not authenticated.
 * @param {FastifyRequest} request
 * @returns {string | undefined}
 */
function authenticate(request) {
  const key = KEY_PATTERN.exec(request.headers.authorization ?? "")?.[1];
  if (!key) return undefined;
  const row = /** @type {KeyRow | undefined} */ (findKey.get(createHash("sha256").update(key).digest("hex")));
  if (!row) return undefined;
  const orgIds = /** @type {string[]} */ (JSON.parse(row.org_ids));
  return orgIds.length === 1 ? orgIds[0] : undefined;
}

const app = Fastify({ logger: false });

app.get("/health", async () => ({ status: "ok" }));

app.get("/v1/products/:id", async (request, reply) => {
  const orgId = authenticate(request);
  if (!orgId) return error(reply, 401, "unauthorized", "Missing or invalid API key.");
  const params = /** @type {{ id: string }} */ (request.params);
  const row = /** @type {PeerRow | undefined} */ (findProduct.get(params.id, orgId));
  if (!row) return error(reply, 404, "not_found", `No product with id '${params.id}'.`);
  reply.header("ETag", `"${row.version}"`);
  return toProduct(row);
});

app.get("/v1/products", async (request, reply) => {
  const orgId = authenticate(request);
  if (!orgId) return error(reply, 401, "unauthorized", "Missing or invalid API key.");
  const limit = Number(/** @type {{ limit?: string }} */ (request.query).limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return error(reply, 400, "invalid_data", "limit must be an integer from 1 to 100.");
  }
  const rows = /** @type {PeerRow[]} */ (listProducts.all(orgId, limit + 1));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const hasMore = rows.length > limit && last !== undefined;
  return {
    object: "list",
    data: page.map(toProduct),
    has_more: hasMore,
    next_cursor: hasMore ? btoa(`i:${last.id}`).replaceAll("=", "") : null,
  };
});

let closing = false;
function shutdown() {
  if (closing) return;
  closing = true;
  app.close().finally(() => {
    db.close();
    process.exit(0);
  });
}
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, shutdown);
// The parent holds our stdin: when it goes away (even killed), so do we.
process.stdin.on("end", shutdown);
process.stdin.on("error", shutdown);
process.stdin.resume();

await app.listen({ host: "127.0.0.1", port: 0 });
const address = /** @type {AddressInfo} */ (app.server.address());
process.stdout.write(`${JSON.stringify({ ready: true, port: address.port, seed_ms: seedMs })}\n`);
