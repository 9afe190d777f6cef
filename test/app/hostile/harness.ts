// The machinery that sends the corpus: a request (Req), the pool of api keys and admin client IPs
// that keeps every request inside its rate limit, send() (one request to the Worker), execute() (send
// plus the accounting: counts, shape and extra checks into the violations, product tracking), and
// runAll() (a list of requests, a few at a time).

import { exports } from "cloudflare:workers";
import { uuidToUlid } from "../../../src/lib/ids";
import { ADMIN_TOKEN, api, BASE, createKey } from "../../helpers";
import { type Check, errorKey, is2xx, type Result, shapeProblems } from "./checks";
import { utf8 } from "./json";
import { state } from "./state";

const CONCURRENCY = 8;
/** Requests per pool key: the api limit is 100 per key per 10 s window. */
const REQUESTS_PER_KEY = 90;
/** Admin requests per client IP: the admin limit in tests is 1000 per IP per 10 s window. */
const ADMIN_REQUESTS_PER_IP = 900;
const KEY_SCOPES = ["product.edit", "webhook.manage"];

export type Req = {
  op: string;
  kind: string;
  method: string;
  path: string;
  body?: string | Uint8Array;
  /** undefined: application/json for a body (api()); null: no Content-Type header at all. */
  contentType?: string | null;
  headers?: Record<string, string>;
  admin?: boolean;
  check?: Check;
  onResult?: (result: Result) => void;
  /** Not a hostile input: a read that checks what an accepted write stored. */
  verification?: boolean;
  /** Not a hostile input: a fixture the corpus writes to. */
  setup?: boolean;
  /** Which field the input is in, for the report. */
  note?: string;
};

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

function describeRequest(req: Req) {
  const headers = Object.entries(req.headers ?? {})
    .map(([name, value]) => `${name}: ${value.length > 60 ? `<${value.length} chars>` : value}`)
    .join("; ");
  let body = "";
  if (typeof req.body === "string") {
    body = req.body.length > 240 ? `${req.body.slice(0, 240)}… <${req.body.length} chars>` : req.body;
  } else if (req.body) {
    const head = [...req.body.slice(0, 80)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    body = `<${req.body.length} bytes: ${head}…>`;
  }
  const path = req.path.length > 200 ? `${req.path.slice(0, 200)}… <${req.path.length} chars>` : req.path;
  const type =
    req.contentType === null ? "(no Content-Type)" : `Content-Type: ${req.contentType ?? "application/json"}`;
  const field = req.note ? ` [${req.note}]` : "";
  return `${req.method} ${path}${field} ${req.body === undefined ? "" : type} ${headers} ${body}`.trim();
}

// ---------------------------------------------------------------------------------------------
// Keys and client IPs: the rate limits count per api key and per admin client IP.

/** A key of the pool with a request left; a new key of the org once the current one is used up. */
async function takeKey(): Promise<string> {
  const { pool } = state;
  while (pool.current.left === 0) {
    pool.next ??= createKey([state.orgId], KEY_SCOPES).then((created) => {
      state.keysCreated++;
      pool.current = { key: created.key, left: REQUESTS_PER_KEY };
      pool.next = undefined;
    });
    await pool.next;
  }
  pool.current.left--;
  return pool.current.key;
}
/** Admin requests go through the admin limiter per client IP, which Cloudflare states in CF-Connecting-IP. */
const adminIp = () => `198.51.100.${Math.floor(state.stats.adminRequests++ / ADMIN_REQUESTS_PER_IP) + 1}`;

async function send(req: Req): Promise<Result> {
  const headers: Record<string, string> = { ...req.headers };
  let key: string | undefined;
  if (req.admin) {
    headers.Authorization ??= `Bearer ${ADMIN_TOKEN}`;
    headers["CF-Connecting-IP"] = adminIp();
  } else if (headers.Authorization === undefined) {
    key = await takeKey();
  }
  if (typeof req.contentType === "string") headers["Content-Type"] = req.contentType;
  let response: Response;
  if (req.body !== undefined && req.contentType === null) {
    // api() names a Content-Type for every body; this request must have none.
    if (key) headers.Authorization = `Bearer ${key}`;
    const body = typeof req.body === "string" ? utf8(req.body) : req.body;
    response = await exports.default.fetch(
      new Request(`${BASE}${req.path}`, { method: req.method, headers, body }),
    );
  } else {
    response = await api(req.path, { method: req.method, key, body: req.body, headers });
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, headers: response.headers };
}

export async function execute(req: Req): Promise<Result> {
  const { stats } = state;
  const result = await send(req);
  stats.requests++;
  if (req.verification) stats.verification++;
  else if (req.setup) stats.setup++;
  else stats.hostile++;
  bump(stats.byStatus, String(result.status));
  const key = errorKey(result);
  if (result.status >= 400 && typeof key === "string") bump(stats.byKey, key);
  if (result.status >= 500) stats.fiveXX++;
  const byKind = stats.byKind[req.kind] ?? {};
  const byOp = stats.byOp[req.op] ?? {};
  stats.byKind[req.kind] = byKind;
  stats.byOp[req.op] = byOp;
  bump(byKind, String(result.status));
  bump(byOp, String(result.status));
  const problems = [...shapeProblems(result)];
  const extra = req.check?.(result);
  if (extra) problems.push(extra);
  for (const problem of problems) {
    state.violations.push({
      problem,
      op: req.op,
      kind: req.kind,
      request: describeRequest(req),
      status: result.status,
      response: result.text.slice(0, 300),
    });
  }
  trackProducts(req, result);
  req.onResult?.(result);
  return result;
}

export async function runAll(reqs: Req[], concurrency = CONCURRENCY) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < reqs.length) {
        const req = reqs[next++] as Req;
        await execute(req);
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// The products the API said it created and deleted.

function trackProducts(req: Req, result: Result) {
  const id = (result.json as { id?: unknown } | undefined)?.id;
  // /v1 creates answer 201; Trata's dialect answers its creates 200, as Trata documents.
  const created =
    (/^\/v1\/products(\?|$)/.test(req.path) && result.status === 201) ||
    (/^\/compat\/trata\/v1\/products(\?|$)/.test(req.path) && result.status === 200);
  // Wethod's create answers its number as the id: the product's own id is not in the answer.
  if (
    req.method === "POST" &&
    /^\/compat\/wethod\/api\/products(\?|$)/.test(req.path) &&
    result.status === 201
  )
    state.wethodNumbers.add(Number(id));
  if (req.method === "POST" && created && typeof id === "string") state.createdProducts.add(id);
  // Awardee's create answers the product's ULID as a UUID.
  if (
    req.method === "POST" &&
    /^\/compat\/awardee\/v1\/products(\?|$)/.test(req.path) &&
    result.status === 201 &&
    typeof id === "string"
  )
    state.createdProducts.add(`prod_${uuidToUlid(id)}`);
  // Tamio's create answers 200 {"product": {"id": <UUID>, …}, "status": 200}.
  const tamioId = (result.json as { product?: { id?: unknown } } | undefined)?.product?.id;
  if (
    req.method === "POST" &&
    /^\/compat\/tamio\/v2\/products\/create\/service(\?|$)/.test(req.path) &&
    result.status === 200 &&
    typeof tamioId === "string"
  )
    state.createdProducts.add(`prod_${uuidToUlid(tamioId)}`);
  const deleted = /^(\/compat\/trata)?\/v1\/products\/[^/?]+(\?|$)/.test(req.path);
  if (req.method === "DELETE" && deleted && is2xx(result) && typeof id === "string")
    state.deletedProducts.add(id);
}
