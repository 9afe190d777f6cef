// The floor Worker's source, bundled by bench/lib/floor.mjs (esbuild) and run under its own workerd.
// Six ways to answer, measured apart in each round:
//   /hello                      nothing at all: the runtime's own cost
//   /products/:id               the floor: one limiter call and one D1 point read, the row's JSON as stored
//   /framework/products/:id     the same floor as one @hono/zod-openapi route (its id validated by a
//                               zod schema), no other middleware: what the framework alone adds
//   /rows/products/:id          the floor reading our products row instead (product_rows: the same
//                               columns, every one selected, by id and org as ours does), answering
//                               its stored `data`: what the row's shape adds
//   /contract/products/:id      what the contract asks of every keyed GET, in plain code and no
//                               framework: the key's hash looked up (kept 1 s), the limiter, our row,
//                               our own view (src/products/products.view.ts) as JSON, the headers
//                               every answer carries and one log line: what our stack adds is the
//                               rest of the GET's distance from the floor
//   /contract/products          the same for a list page (limit=20): the org's 21 newest rows, our
//                               view of each, the page's JSON with its cursor: the list's own floor
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { newId } from "../../src/lib/ids.ts";
import { toProduct } from "../../src/products/products.view.ts";

/**
 * @typedef {{
 *   RATE_LIMITER: { limit(options: { key: string }): Promise<{ success: boolean }> },
 *   DB: { prepare(sql: string): { bind(...values: unknown[]): FloorStatement } },
 *   ORG_ID: string,
 * }} FloorEnv
 * @typedef {{
 *   first(): Promise<Record<string, string> | null>,
 *   all(): Promise<{ results: Record<string, string | number | null>[], meta: { rows_read: number } }>,
 * }} FloorStatement
 */

/**
 * @param {FloorEnv} env
 * @param {string} id
 */
async function floorRead(env, id) {
  const { success } = await env.RATE_LIMITER.limit({ key: "floor" });
  if (!success) return new Response("rate limited", { status: 429 });
  const row = await env.DB.prepare("SELECT body FROM products WHERE id = ?").bind(id).first();
  if (!row) return new Response("not found", { status: 404 });
  return new Response(row.body, { headers: { "Content-Type": "application/json" } });
}

/**
 * @param {FloorEnv} env
 * @param {string} id
 */
async function floorRowRead(env, id) {
  const { success } = await env.RATE_LIMITER.limit({ key: "floor" });
  if (!success) return new Response("rate limited", { status: 429 });
  const row = await env.DB.prepare("SELECT * FROM product_rows WHERE id = ? AND org_id = ? LIMIT 1")
    .bind(id, env.ORG_ID)
    .first();
  if (!row) return new Response("not found", { status: 404 });
  return new Response(row.data, { headers: { "Content-Type": "application/json" } });
}

const KEY_PATTERN = /^(sk|pk)_[A-Za-z0-9]{16,128}$/;
/** Keys by hash, each for 1 s (the contract's bound on a revocation), as ours are. */
const keys = new Map();

/** The view's stored row from a product_rows row (snake_case columns, as drizzle would name them). */
const storedOf = (/** @type {Record<string, string | number | null>} */ row) =>
  /** @type {Parameters<typeof toProduct>[0]} */ ({
    ...row,
    orgId: row.org_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    createdBy: row.created_by,
    updatedBy: row.updated_by,
    totalScans: row.total_scans,
    lastScannedAt: row.last_scanned_at,
  });

/**
 * What the contract asks of every keyed read, in plain code: the key's hash looked up (kept 1 s),
 * the limiter, then `read` with the key's org and a metered D1; the answer with the headers every
 * answer carries (and `headers`), and one log line.
 * @param {Request} request
 * @param {FloorEnv} env
 * @param {string} route the route pattern for the log line
 * @param {(orgId: string, rows: (statement: FloorStatement) => Promise<Record<string, string | number | null>[]>) =>
 *   Promise<{ body: string, headers?: Record<string, string> } | null>} read null: 404
 */
async function contract(request, env, route, read) {
  const startedAt = performance.now();
  const requestId = newId("req");
  const db = { rowsRead: 0, queries: 0, ms: 0 };
  /** @param {FloorStatement} statement */
  const rows = async (statement) => {
    const started = performance.now();
    const { results, meta } = await statement.all();
    db.queries += 1;
    db.rowsRead += meta.rows_read;
    db.ms += performance.now() - started;
    return results;
  };
  const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
  if (!token || !KEY_PATTERN.test(token)) return new Response("unauthorized", { status: 401 });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  const hash = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
  const now = Date.now();
  /** @type {{ id: string, orgId: string, until: number } | undefined} */
  let key = keys.get(hash);
  if (!key || key.until <= now) {
    const [row] = await rows(
      env.DB.prepare("SELECT id, org_id FROM floor_keys WHERE key_hash = ?").bind(hash),
    );
    if (!row) return new Response("unauthorized", { status: 401 });
    key = { id: String(row.id), orgId: String(row.org_id), until: now + 1000 };
    keys.set(hash, key);
  }
  const { success } = await env.RATE_LIMITER.limit({ key: `api:${key.id}` });
  if (!success) return new Response("rate limited", { status: 429 });
  const answer = await read(key.orgId, rows);
  if (!answer) return new Response("not found", { status: 404 });
  const ms = (/** @type {number} */ value) => value.toFixed(1);
  const response = new Response(answer.body, {
    headers: {
      "Content-Type": "application/json",
      ...answer.headers,
      "RateLimit-Limit": "1000000000",
      "RateLimit-Remaining": "999999999",
      "RateLimit-Reset": String(10 - (Math.floor(now / 1000) % 10)),
      "Request-Id": requestId,
      "API-Version": "2026-11-01",
      "Cache-Control": "private, no-store",
      "Server-Timing": `db;dur=${ms(db.ms)};desc="rows_read=${db.rowsRead} rows_written=0 queries=${db.queries}", total;dur=${ms(performance.now() - startedAt)}`,
    },
  });
  console.log(
    `{"level":"info","event":"request","request_id":"${requestId}","method":"GET","route":"${route}",` +
      `"status":200,"duration_ms":${Math.round((performance.now() - startedAt) * 10) / 10},"org_id":"${key.orgId}",` +
      `"key_id":"${key.id}","rows_read":${db.rowsRead},"rows_written":0,"queries":${db.queries}}`,
  );
  return response;
}

/**
 * The contract's keyed GET of one product: our row by id and org, our view as JSON, its ETag.
 * @param {Request} request
 * @param {FloorEnv} env
 * @param {URL} url the request's, parsed once by fetch
 */
const contractRead = (request, env, url) =>
  contract(request, env, "/v1/products/:id", async (orgId, rows) => {
    const id = url.pathname.slice("/contract/products/".length);
    const [row] = await rows(
      env.DB.prepare("SELECT * FROM product_rows WHERE id = ? AND org_id = ? LIMIT 1").bind(id, orgId),
    );
    if (!row) return null;
    const stored = storedOf(row);
    return { body: JSON.stringify(toProduct(stored, url.origin)), headers: { ETag: `"${stored.version}"` } };
  });

const PAGE = 20;

/**
 * The contract's list page (`limit=20`, newest first): the org's rows by id, one more than the page
 * to know whether there is a next, our view of each and the cursor of the last, as ours answers.
 * @param {Request} request
 * @param {FloorEnv} env
 * @param {URL} url the request's, parsed once by fetch
 */
const contractList = (request, env, url) =>
  contract(request, env, "/v1/products", async (orgId, rows) => {
    const found = await rows(
      // As ours (src/db/client.ts): the limit written in and the org as `+?`, values SQLite would
      // otherwise read while planning, and so compile the statement again on every run.
      env.DB.prepare(`SELECT * FROM product_rows WHERE org_id = +? ORDER BY id DESC LIMIT ${PAGE + 1}`).bind(
        orgId,
      ),
    );
    const page = found.slice(0, PAGE).map(storedOf);
    const last = page.at(-1);
    const hasMore = found.length > PAGE && last !== undefined;
    const body = JSON.stringify({
      object: "list",
      data: page.map((stored) => toProduct(stored, url.origin)),
      has_more: hasMore,
      next_cursor: hasMore ? btoa(`i:${last.id}`).replaceAll("=", "") : null,
    });
    return { body };
  });

const framework = new OpenAPIHono().openapi(
  createRoute({
    method: "get",
    path: "/framework/products/{id}",
    request: { params: z.object({ id: z.string().min(1) }) },
    responses: { 200: { description: "The row's JSON as stored." } },
  }),
  (c) => floorRead(/** @type {FloorEnv} */ (c.env), c.req.valid("param").id),
);

export default {
  /**
   * @param {Request} request
   * @param {FloorEnv} env
   */
  fetch(request, env) {
    const url = new URL(request.url);
    const { pathname } = url;
    if (pathname === "/hello") return new Response("hello");
    if (pathname.startsWith("/framework/")) return framework.fetch(request, env);
    if (pathname.startsWith("/rows/")) return floorRowRead(env, pathname.slice("/rows/products/".length));
    if (pathname === "/contract/products") return contractList(request, env, url);
    if (pathname.startsWith("/contract/")) return contractRead(request, env, url);
    return floorRead(env, pathname.slice("/products/".length));
  },
};
