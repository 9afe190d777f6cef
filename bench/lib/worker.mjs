// The Worker under test: the `wrangler deploy --dry-run` bundle run by Miniflare (workerd) with
// local persistence in a fresh folder, its D1 migrated and seeded through Miniflare's D1 API.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { insertSql } from "./catalog.mjs";
import { OFFLINE_ENV, ROOT, wrangler } from "./proc.mjs";

/**
 * @import { ApiKeyCreated, ApiOrg } from "../../scripts/local.mjs"
 * @import { SeedRow } from "./catalog.mjs"
 * @import { startImageOrigin } from "./image-origin.mjs"
 */
/** @typedef {Awaited<ReturnType<Miniflare["getD1Database"]>>} D1 the local D1, through Miniflare */
/** @typedef {Awaited<ReturnType<typeof readWranglerConfig>>} WranglerConfig */
/**
 * The part of wrangler.toml read here, as unstable_readConfig returns it (wrangler's own Config
 * type comes from @cloudflare/workers-utils, which wrangler bundles without its types).
 * @typedef {object} WranglerToml
 * @property {string} compatibility_date
 * @property {string[]} [compatibility_flags]
 * @property {Record<string, string>} vars
 * @property {{ binding: string, database_id: string }[]} d1_databases
 * @property {{ binding: string, id: string }[]} kv_namespaces
 * @property {{ binding: string, bucket_name: string }[]} r2_buckets
 * @property {{ name: string, namespace_id: string, simple: { limit: number, period: 10 | 60 } }[]} [ratelimits]
 * @property {{ producers: { binding: string, queue: string }[], consumers: QueueConsumer[] }} queues
 */
/**
 * @typedef {{ queue: string, max_batch_size?: number, max_batch_timeout?: number, max_retries?: number,
 *   dead_letter_queue?: string }} QueueConsumer
 */

/** The rate limits every bench Worker runs with: the bench measures work, not the limiter's refusals. */
export const UNLIMITED = 1_000_000_000;

/** wrangler.toml as wrangler reads it (compatibility date and flags, vars, binding ids). */
export async function readWranglerConfig() {
  Object.assign(process.env, {
    WRANGLER_SEND_METRICS: OFFLINE_ENV.WRANGLER_SEND_METRICS,
    CLOUDFLARE_CF_FETCH_ENABLED: OFFLINE_ENV.CLOUDFLARE_CF_FETCH_ENABLED,
  });
  const { unstable_readConfig } = await import("wrangler");
  const config = /** @type {WranglerToml} */ (unstable_readConfig({ config: join(ROOT, "wrangler.toml") }));
  /**
   * @template {{ binding: string }} T
   * @param {T[]} list
   * @param {string} name
   */
  const binding = (list, name) => {
    const found = list.find((entry) => entry.binding === name);
    if (!found) throw new Error(`wrangler.toml has no binding ${name}`);
    return found;
  };
  return {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    vars: { ...config.vars },
    d1: binding(config.d1_databases, "DB"),
    kv: binding(config.kv_namespaces, "IDEMPOTENCY"),
    r2: binding(config.r2_buckets, "IMAGES"),
    ratelimits: config.ratelimits ?? [],
    queues: {
      producer: config.queues.producers.find((entry) => entry.binding === "EVENTS"),
      consumers: config.queues.consumers,
    },
  };
}

/**
 * `wrangler deploy --dry-run --outdir <dir>` (optionally minified); returns the path of index.js.
 * @param {string} outdir
 * @param {{ minify?: boolean }} [options]
 */
export async function buildBundle(outdir, { minify = false } = {}) {
  const started = performance.now();
  await wrangler(["deploy", "--dry-run", "--outdir", outdir, ...(minify ? ["--minify"] : [])]);
  return { file: join(outdir, "index.js"), ms: performance.now() - started };
}

/**
 * Starts workerd on 127.0.0.1 (a free port) with the bundle, the bindings and persistence in `persistDir`.
 * `imageOrigin` (bench/lib/image-origin.mjs) is the one host:port the Worker may fetch image URLs from
 * over http on loopback (IMAGE_FETCH_ALLOWED_HOSTS); without it the var is empty.
 * @param {object} options
 * @param {string} options.bundleFile
 * @param {string} options.bundleDir
 * @param {string} options.persistDir
 * @param {WranglerConfig} options.config
 * @param {string} options.adminToken
 * @param {Awaited<ReturnType<typeof startImageOrigin>>} [options.imageOrigin]
 * @param {number} [options.inspectorPort] workerd's V8 inspector on 127.0.0.1 (0: a free port;
 *   `mf.getInspectorURL()` gives it); without it, no inspector (bench/profile.mjs)
 */
export async function startWorker({
  bundleFile,
  bundleDir,
  persistDir,
  config,
  adminToken,
  imageOrigin,
  inspectorPort,
}) {
  const started = performance.now();
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      inspectorPort,
      modules: true,
      scriptPath: bundleFile,
      modulesRoot: bundleDir,
      compatibilityDate: config.compatibilityDate,
      compatibilityFlags: config.compatibilityFlags,
      d1Databases: { DB: config.d1.database_id },
      kvNamespaces: { IDEMPOTENCY: config.kv.id },
      r2Buckets: { IMAGES: config.r2.bucket_name },
      // The events queue and its dead-letter queue, produced and consumed by the Worker, as deployed.
      queueProducers: { EVENTS: /** @type {{ queue: string }} */ (config.queues.producer).queue },
      queueConsumers: Object.fromEntries(
        config.queues.consumers.map((consumer) => [
          consumer.queue,
          {
            maxBatchSize: consumer.max_batch_size,
            maxBatchTimeout: consumer.max_batch_timeout,
            maxRetries: consumer.max_retries,
            deadLetterQueue: consumer.dead_letter_queue,
          },
        ]),
      ),
      // The rate limiters, real but out of the way: the benchmark measures what a request costs,
      // including the limiter call, with a single key sending far more than a real client may.
      ratelimits: Object.fromEntries(
        config.ratelimits.map(({ name, namespace_id, simple }) => [
          name,
          { namespace_id, simple: { limit: UNLIMITED, period: simple.period } },
        ]),
      ),
      bindings: {
        ...config.vars,
        // Each limiter's var (RATE_LIMITER → RATE_LIMIT) states the limit, as in wrangler.toml.
        ...Object.fromEntries(
          config.ratelimits.map(({ name, simple }) => [
            name.replace(/ER$/, ""),
            `${UNLIMITED}/${simple.period}`,
          ]),
        ),
        IMAGE_FETCH_ALLOWED_HOSTS: imageOrigin?.host ?? "",
        ADMIN_TOKEN: adminToken,
      },
      resourcePersistencePath: persistDir,
      cf: false,
      logRequests: false,
      // The Worker's line per request is written (its cost is measured) but not echoed here.
      handleStructuredLogs: ({ level, message }) => {
        if (!message.includes('"event":"request"')) process.stderr.write(`[worker ${level}] ${message}\n`);
      },
      telemetry: { enabled: false },
    }),
  );
  try {
    const url = await mf.ready;
    return { mf, url: url.origin, startMs: performance.now() - started };
  } catch (error) {
    await mf.dispose().catch(() => {});
    throw error;
  }
}

/**
 * Applies migrations/*.sql in name order, each file one D1 batch (a transaction).
 * @param {D1} db
 */
export async function applyMigrations(db) {
  const dir = join(ROOT, "migrations");
  const files = readdirSync(dir)
    .filter((file) => file.endsWith(".sql"))
    .sort();
  for (const file of files) {
    const statements = readFileSync(join(dir, file), "utf8")
      .split("--> statement-breakpoint")
      .map((statement) => statement.trim())
      .filter(Boolean);
    await db.batch(statements.map((statement) => db.prepare(statement)));
  }
  return files;
}

/**
 * An answer of `call`: `json` is what the caller expects (unchecked; undefined when not JSON).
 * @template [T=unknown]
 * @typedef {{ status: number, json: T, text: string }} Called
 */

/**
 * @param {string} base
 * @param {string} path
 * @param {{ token?: string, method?: string, body?: unknown }} [options]
 * @returns {Promise<Called>}
 */
async function call(base, path, { token, method = "GET", body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  /** @type {unknown} */
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/**
 * An org and a secret key (product.edit, webhook.manage: the events page) made through the admin API.
 * @param {string} base
 * @param {string} adminToken
 */
export async function createOrgAndKey(base, adminToken) {
  const org = /** @type {Called<ApiOrg>} */ (
    await call(base, "/v1/admin/orgs", {
      token: adminToken,
      method: "POST",
      body: { name: "Benchmark" },
    })
  );
  if (org.status !== 201) throw new Error(`POST /v1/admin/orgs: ${org.status} ${org.text}`);
  const key = /** @type {Called<ApiKeyCreated>} */ (
    await call(base, "/v1/admin/api_keys", {
      token: adminToken,
      method: "POST",
      body: {
        name: "benchmark",
        org_ids: [org.json.id],
        type: "secret",
        scopes: ["product.edit", "webhook.manage"],
      },
    })
  );
  if (key.status !== 201) throw new Error(`POST /v1/admin/api_keys: ${key.status} ${key.text}`);
  const publishable = /** @type {Called<ApiKeyCreated>} */ (
    await call(base, "/v1/admin/api_keys", {
      token: adminToken,
      method: "POST",
      body: {
        name: "benchmark storefront",
        org_ids: [org.json.id],
        type: "publishable",
        scopes: ["storefront.read"],
      },
    })
  );
  if (publishable.status !== 201)
    throw new Error(`POST /v1/admin/api_keys: ${publishable.status} ${publishable.text}`);
  return { orgId: org.json.id, keyId: key.json.id, key: key.json.key, publishableKey: publishable.json.key };
}

// D1 refuses statements over 100 KB (SQLITE_TOOBIG), so rows are packed into INSERTs of at most
// ~90 KB each, and STATEMENTS_PER_BATCH of them go in one db.batch (one transaction, one round trip).
const MAX_STATEMENT_BYTES = 90_000;
const STATEMENTS_PER_BATCH = 40;

/**
 * Inserts the rows with multi-row INSERTs; the migrations' triggers fill product_lookups and products_fts.
 * @param {D1} db
 * @param {Iterable<SeedRow>} rows
 */
export async function seedD1(db, rows) {
  const started = performance.now();
  const ids = [];
  /** @type {SeedRow[]} */
  let pending = [];
  let pendingBytes = 0;
  /** @type {string[]} */
  let statements = [];
  let statementCount = 0;
  const flushBatch = async () => {
    if (statements.length === 0) return;
    await db.batch(statements.map((sql) => db.prepare(sql)));
    statementCount += statements.length;
    statements = [];
  };
  for (const row of rows) {
    const bytes = row.data.length + 220;
    if (pending.length > 0 && pendingBytes + bytes > MAX_STATEMENT_BYTES) {
      statements.push(insertSql(pending));
      pending = [];
      pendingBytes = 0;
      if (statements.length === STATEMENTS_PER_BATCH) await flushBatch();
    }
    pending.push(row);
    pendingBytes += bytes;
    ids.push(row.id);
  }
  if (pending.length > 0) statements.push(insertSql(pending));
  await flushBatch();
  // The triggers wrote a product.created event per seeded row. A seeded catalogue has no history
  // to announce: left undispatched, the first write's dispatch would work through them all
  // (99 at a time) while later scenarios run.
  await db.prepare("DELETE FROM events").run();
  const ms = performance.now() - started;
  const counted = await db.prepare("SELECT count(*) AS n FROM products").first("n");
  if (counted !== ids.length) throw new Error(`seeded ${ids.length} products but D1 counts ${counted}`);
  return { ids, ms, statements: statementCount };
}
