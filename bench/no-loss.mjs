// npm run bench:no-loss [-- --seconds N] [-- --rate R]: load without loss, against a real
// `wrangler dev` (local D1, KV, R2, queues and rate limiters) on a free port with a fresh, migrated
// temporary state. Three phases, each followed by a count of the org's products (every page of
// GET /v1/products) against what the acknowledged creates and deletes imply:
//   1. 20 writers, each with its own key, increment props.counter of one product by If-Match
//      read-modify-write (GET, then a merge PATCH with If-Match; a 412 re-reads) until each has 10
//      acknowledged increments: the final counter must equal the number of 200 PATCHes, the version
//      must have grown by exactly that number, and no two 200s may have written the same value.
//   2. 50 concurrent creates with one Idempotency-Key and body (one key), each 409
//      idempotency_key_in_use retried after its Retry-After: one product, fifty 201s with its id,
//      49 of them replays (Idempotent-Replayed: true), byte-identical to the original.
//   3. A steady mixed load for --seconds (default 60) at --rate requests/s (default 50): creates,
//      GETs, lists, merge PATCHes (each adding its own key to props, no If-Match), inventory
//      adjustments, deletes, storefront reads with a publishable key. No 5xx; no 404 for a product
//      that was never deleted; afterwards every live product has every acknowledged props key, its
//      quantity is 1000 plus the acknowledged deltas, and its version 1 plus its acknowledged writes.
// Every key is paced below the rate limit (100 requests per 10 s per key, 60 per 60 s for the admin
// API), so a 429 is a finding. The report goes to stdout, progress to stderr; the exit code is
// non-zero when a check fails. wrangler dev is stopped and the temporary folder removed on success,
// failure and SIGINT/SIGTERM.
import { randomBytes, randomUUID } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, migrate, startWorker as startLocalWorker } from "../scripts/local.mjs";
import { Pacer, requestJson } from "./lib/load.mjs";

const { values: options } = parseArgs({
  options: { seconds: { type: "string", default: "60" }, rate: { type: "string", default: "50" } },
});
const SECONDS = Number(options.seconds);
const RATE = Number(options.rate);
if (!(SECONDS > 0) || !(RATE > 0)) throw new Error("--seconds and --rate must be positive numbers");

const WRITERS = 20;
const INCREMENTS = 10;
const PHASE1_LIMIT_MS = 180_000;
const SAME_KEY_CREATES = 50;
/** Per api key: the limit is 100 per clock-aligned 10 s window; stay at most 8.5/s and 90 per window. */
const KEY_INTERVAL_MS = 1000 / 8.5;
const KEY_PER_WINDOW = 90;
/** Admin API: 60 per 60 s per client IP. */
const ADMIN_PER_WINDOW = 55;
const EXTRA_SECRET_KEYS = 8;
const PUBLISHABLE_KEYS = 6;
/** Phase 3: the share of the rate that is storefront reads, and requests in flight per lane at most. */
const STOREFRONT_SHARE = 0.2;
/** Phase 3 uses the writers', the idempotent creates' and the extra secret keys, and the publishable ones. */
const MAX_RATE = Math.min(
  ((WRITERS + 1 + EXTRA_SECRET_KEYS) * 1000) / KEY_INTERVAL_MS / (1 - STOREFRONT_SHARE),
  (PUBLISHABLE_KEYS * 1000) / KEY_INTERVAL_MS / STOREFRONT_SHARE,
);
if (RATE > MAX_RATE)
  throw new Error(`--rate ${RATE}: at most ${Math.floor(MAX_RATE)} with this bench's keys`);
const LANE_MAX_IN_FLIGHT = 8;
const INITIAL_QUANTITY = 1000;
const ADMIN_TOKEN = `no-loss-${randomBytes(16).toString("hex")}`;
const ORIGIN = "http://127.0.0.1:9";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const progress = (line) => process.stderr.write(`no-loss: ${line}\n`);
const percentile = (sorted, p) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const ms = (value) => (Number.isNaN(value) ? "-" : value.toFixed(1));
const statusLine = (counts) =>
  [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status === 0 ? "network error" : status}: ${count}`)
    .join(", ");

/** Every response of a phase: statuses and latencies per request type, 5xx and 429 kept in full. */
class Stats {
  constructor(name) {
    this.name = name;
    this.types = new Map();
    this.statuses = new Map();
    this.latencies = [];
    this.server = [];
    this.serverErrors = [];
    this.rateLimited = [];
    this.networkErrors = [];
  }
  record(type, method, path, result) {
    let entry = this.types.get(type);
    if (!entry) {
      entry = { statuses: new Map(), latencies: [], server: [] };
      this.types.set(type, entry);
    }
    entry.statuses.set(result.status, (entry.statuses.get(result.status) ?? 0) + 1);
    this.statuses.set(result.status, (this.statuses.get(result.status) ?? 0) + 1);
    entry.latencies.push(result.ms);
    this.latencies.push(result.ms);
    // Time inside the Worker (Server-Timing total), against the time seen here.
    const total = /(?:^|,)\s*total;dur=([\d.]+)/.exec(result.headers?.get("server-timing") ?? "");
    if (total) {
      entry.server.push(Number(total[1]));
      this.server.push(Number(total[1]));
    }
    const seen = {
      phase: this.name,
      type,
      request: `${method} ${path}`,
      status: result.status,
      request_id: result.headers?.get("request-id"),
      body: result.text?.slice(0, 400) ?? String(result.error),
    };
    if (result.status >= 500) this.serverErrors.push(seen);
    if (result.status === 429) this.rateLimited.push(seen);
    if (result.status === 0) this.networkErrors.push(seen);
  }
  get requests() {
    return this.latencies.length;
  }
}

const allStats = [];
const newStats = (name) => {
  const stats = new Stats(name);
  allStats.push(stats);
  return stats;
};

let base;
/** One request with `key` (paced unless `paced` is false: the caller took its turn). */
async function send(
  stats,
  type,
  key,
  method,
  path,
  { body, headers = {}, burst = false, paced = true } = {},
) {
  if (paced) await key.pacer.take(burst);
  const started = performance.now();
  const result = await requestJson(`${base}${path}`, key.key, method, { body, headers });
  result.ms = performance.now() - started;
  stats.record(type, method, path, result);
  return result;
}

const checks = [];
function check(name, ok, detail = "") {
  checks.push({ name, ok, detail });
  progress(`${ok ? "✓" : "✗"} ${name}${detail ? ` (${detail})` : ""}`);
}
const report = [];
const say = (line = "") => report.push(line);

// ---------------------------------------------------------------------------------------------
// wrangler dev, logging to a file; `worker` is kept for the cleanup.

const root = mkdtempSync(join(tmpdir(), "products-api-no-loss-"));
const persistTo = join(root, "state");
const logPath = join(root, "wrangler.log");
let worker;

async function startWorker() {
  const log = openSync(logPath, "a");
  try {
    worker = await startLocalWorker({
      port: await freePort(),
      persistTo,
      vars: { ADMIN_TOKEN },
      stdio: ["ignore", log, log],
      args: ["--inspector-port", String(await freePort()), "--show-interactive-dev-session=false"],
      timeoutMs: 90_000,
    });
  } finally {
    closeSync(log);
  }
  base = worker.base;
}

async function stopWorker() {
  const stopping = worker;
  worker = undefined;
  await stopping?.stop();
}

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await stopWorker();
  rmSync(root, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    progress(`${signal}: stopping wrangler dev and removing ${root}`);
    cleanup().finally(() => process.exit(130));
  });
}

function wranglerErrors() {
  try {
    return readFileSync(logPath, "utf8")
      .split("\n")
      .filter((line) => /error|exception|uncaught/i.test(line))
      .slice(-40);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Keys, and the audit of the org's products.

const newKeyRecord = (key) => ({ key, pacer: new Pacer(KEY_INTERVAL_MS, KEY_PER_WINDOW, 10_000) });
const admin = { key: ADMIN_TOKEN, pacer: new Pacer(0, ADMIN_PER_WINDOW, 60_000) };
let setupStats;
let orgId;

async function createKey(name, body) {
  const created = await send(setupStats, "admin", admin, "POST", "/v1/admin/api_keys", {
    body: { name, org_ids: [orgId], ...body },
  });
  if (created.status !== 201)
    throw new Error(`could not create key ${name}: ${created.status} ${created.text}`);
  return { ...newKeyRecord(created.body.key), id: created.body.id, name };
}

let auditor;
let auditStats;
/** Every product of the org, page by page (limit 100). */
async function listAll() {
  const products = [];
  let cursor;
  do {
    const page = await send(
      auditStats,
      "list-all",
      auditor,
      "GET",
      `/v1/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (page.status !== 200) throw new Error(`listing the products: ${page.status} ${page.text}`);
    products.push(...page.body.data);
    cursor = page.body.has_more ? page.body.next_cursor : undefined;
  } while (cursor);
  return products;
}

/** The org's products against the ids the acknowledged creates and deletes leave. */
async function auditCount(label, expectedIds) {
  const products = await listAll();
  const listed = new Set(products.map((product) => product.id));
  const missing = [...expectedIds].filter((id) => !listed.has(id));
  const extra = [...listed].filter((id) => !expectedIds.has(id));
  const detail = `listed ${products.length}, expected ${expectedIds.size}${
    missing.length ? `; missing ${missing.slice(0, 5).join(" ")}` : ""
  }${extra.length ? `; unexpected ${extra.slice(0, 5).join(" ")}` : ""}`;
  check(
    `${label}: the org's product count is what the acknowledged creates minus deletes imply`,
    products.length === expectedIds.size &&
      listed.size === products.length &&
      !missing.length &&
      !extra.length,
    detail,
  );
  say(`  product count: ${products.length} listed, ${expectedIds.size} expected`);
  return products;
}

// ---------------------------------------------------------------------------------------------
// Phase 1: If-Match read-modify-write increments of one product.

async function phase1(writers) {
  const stats = newStats("phase 1");
  const created = await send(stats, "create", auditor, "POST", "/v1/products", {
    body: { name: "No-loss counter", props: { counter: 0 } },
  });
  if (created.status !== 201)
    throw new Error(`could not create the counter: ${created.status} ${created.text}`);
  const id = created.body.id;
  const startVersion = created.body.version;
  const tally = { gets: 0, attempts: 0, conflicts: 0, successes: 0, other: [], written: [], wrong: [] };
  const perWriter = [];
  const started = performance.now();
  const deadline = Date.now() + PHASE1_LIMIT_MS;
  progress(`phase 1: ${writers.length} writers × ${INCREMENTS} increments of props.counter of ${id}`);
  await Promise.all(
    writers.map(async (key, index) => {
      let mine = 0;
      while (mine < INCREMENTS && Date.now() < deadline) {
        const read = await send(stats, "get", key, "GET", `/v1/products/${id}`);
        tally.gets += 1;
        if (read.status !== 200) {
          tally.other.push(`GET ${read.status}`);
          continue;
        }
        const value = read.body.props.counter;
        const patched = await send(stats, "patch", key, "PATCH", `/v1/products/${id}`, {
          body: { props: { counter: value + 1 } },
          headers: { "Content-Type": "application/merge-patch+json", "If-Match": read.headers.get("etag") },
        });
        tally.attempts += 1;
        if (patched.status === 200) {
          mine += 1;
          tally.successes += 1;
          tally.written.push(value + 1);
          if (
            patched.body.props.counter !== value + 1 ||
            patched.body.version !== read.body.version + 1 ||
            patched.headers.get("etag") !== `"${read.body.version + 1}"`
          ) {
            tally.wrong.push(
              `read v${read.body.version} counter ${value}, PATCH answered v${patched.body.version} counter ${patched.body.props.counter} ETag ${patched.headers.get("etag")}`,
            );
          }
        } else if (patched.status === 412 && patched.body?.key === "precondition_failure") {
          tally.conflicts += 1;
        } else {
          tally.other.push(`PATCH ${patched.status} ${patched.text?.slice(0, 200)}`);
        }
      }
      perWriter[index] = mine;
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const final = await send(stats, "get", auditor, "GET", `/v1/products/${id}`);
  const finalValue = final.body?.props?.counter;
  const finalVersion = final.body?.version;
  const written = [...tally.written].sort((a, b) => a - b);
  const duplicates = written.filter((value, index) => index > 0 && written[index - 1] === value);
  const finished = perWriter.filter((count) => count === INCREMENTS).length;

  say("Phase 1: If-Match read-modify-write increments of props.counter of one product");
  say(`  writers: ${writers.length} (one key each), ${INCREMENTS} acknowledged increments each as the goal`);
  say(
    `  attempts (PATCH with If-Match): ${tally.attempts}; 412 precondition_failure: ${tally.conflicts}; ` +
      `successes (200): ${tally.successes}; GETs: ${tally.gets}; other answers: ${tally.other.length}`,
  );
  say(
    `  final props.counter: ${finalValue}; version ${startVersion} → ${finalVersion} (+${finalVersion - startVersion})`,
  );
  say(
    `  writers that reached ${INCREMENTS}: ${finished}/${writers.length}; time ${elapsed.toFixed(1)} s; ` +
      `${(tally.successes / elapsed).toFixed(1)} increments/s`,
  );
  for (const line of tally.other.slice(0, 5)) say(`  other answer: ${line}`);
  for (const line of tally.wrong.slice(0, 5)) say(`  wrong 200: ${line}`);

  check(
    "phase 1: final counter equals the number of 200 PATCHes",
    finalValue === tally.successes,
    `${finalValue} vs ${tally.successes}`,
  );
  check(
    "phase 1: the version grew by exactly the number of 200 PATCHes",
    finalVersion - startVersion === tally.successes,
    `+${finalVersion - startVersion} vs ${tally.successes}`,
  );
  check(
    "phase 1: no two 200 PATCHes wrote the same value (no lost update)",
    duplicates.length === 0 && written.every((value, index) => value === index + 1),
    duplicates.length ? `duplicated values ${duplicates.slice(0, 10).join(", ")}` : "",
  );
  check("phase 1: every 200 PATCH answered value and version read + 1", tally.wrong.length === 0);
  check("phase 1: every answer was 200 or 412", tally.other.length === 0, tally.other.slice(0, 3).join("; "));
  check("phase 1: the writers made progress (at least one 200 PATCH)", tally.successes > 0);
  return { id };
}

// ---------------------------------------------------------------------------------------------
// Phase 2: one Idempotency-Key, fifty concurrent creates.

async function phase2(key) {
  const stats = newStats("phase 2");
  // 50 now and up to 49 retries a second later fit one key's 100 per window with room to spare;
  // do not start close to a window's end, so that server and client count them in the same one.
  const intoWindow = Date.now() % 10_000;
  if (intoWindow > 7_000) await sleep(10_000 - intoWindow + 50);
  const idempotencyKey = `no-loss-${randomUUID()}`;
  const body = { name: "No-loss idempotent create", tags: ["no-loss-idempotent"], props: { phase: 2 } };
  let inUse = 0;
  let missingRetryAfter = 0;
  const started = performance.now();
  progress(`phase 2: ${SAME_KEY_CREATES} concurrent creates with Idempotency-Key ${idempotencyKey}`);
  const finals = await Promise.all(
    Array.from({ length: SAME_KEY_CREATES }, async () => {
      for (let round = 1; ; round++) {
        const answer = await send(stats, "create", key, "POST", "/v1/products", {
          body,
          headers: { "Idempotency-Key": idempotencyKey },
          burst: true,
        });
        if (answer.status === 409 && answer.body?.key === "idempotency_key_in_use" && round < 20) {
          inUse += 1;
          const retryAfter = answer.headers.get("retry-after");
          if (retryAfter === null) missingRetryAfter += 1;
          await sleep(Number(retryAfter ?? 1) * 1000);
          continue;
        }
        return { ...answer, round };
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const statuses = new Map();
  for (const answer of finals) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  const ids = new Set(finals.map((answer) => answer.body?.id));
  const replayed = finals.filter((answer) => answer.headers?.get("idempotent-replayed") === "true");
  const original = finals.filter((answer) => answer.headers?.get("idempotent-replayed") !== "true");
  const id = [...ids][0];
  const locations = new Set(finals.map((answer) => answer.headers?.get("location")));
  const byTag = await send(stats, "list", auditor, "GET", "/v1/products?tag=no-loss-idempotent&limit=100");
  const rounds = Math.max(...finals.map((answer) => answer.round));

  say("Phase 2: concurrent creates with one Idempotency-Key and body (one key)");
  say(
    `  requests: ${stats.requests - 1} (${SAME_KEY_CREATES} first tries, ${inUse} retries after 409 idempotency_key_in_use), ` +
      `at most ${rounds} tries per create; time ${elapsed.toFixed(1)} s`,
  );
  say(`  statuses of all tries: ${statusLine(stats.types.get("create").statuses)}`);
  say(
    `  final responses: ${statusLine(statuses)}; distinct product ids: ${ids.size}; ` +
      `Idempotent-Replayed: true on ${replayed.length}, absent on ${original.length}`,
  );
  say(`  products with the create's tag: ${byTag.body?.data?.length}`);

  check(
    `phase 2: all ${SAME_KEY_CREATES} final responses are 201`,
    statuses.get(201) === SAME_KEY_CREATES,
    statusLine(statuses),
  );
  check("phase 2: all carry the same product id and Location", ids.size === 1 && locations.size === 1);
  check(
    "phase 2: all but one carry Idempotent-Replayed: true",
    replayed.length === SAME_KEY_CREATES - 1 && original.length === 1,
    `${replayed.length} replayed`,
  );
  check(
    "phase 2: the replays are byte-identical to the original",
    original.length === 1 && replayed.every((answer) => answer.text === original[0].text),
  );
  check("phase 2: every 409 idempotency_key_in_use had Retry-After", missingRetryAfter === 0);
  check(
    "phase 2: exactly one product has the create's tag",
    byTag.status === 200 && byTag.body.data.length === 1 && byTag.body.data[0].id === id,
    `${byTag.body?.data?.length}`,
  );
  return { id };
}

// ---------------------------------------------------------------------------------------------
// Phase 3: a steady mixed load.

async function phase3(secretKeys, publishableKeys) {
  const stats = newStats("phase 3");
  const live = []; // ids of phase 3 products not (being) deleted
  const position = new Map();
  const products = new Map(); // id → { patches: Set, delta, writes }
  const pendingDelete = new Set();
  const deleted = new Set();
  const unexpected = [];
  let creates = 0;
  let deletes = 0;
  let sequence = 0;

  const addLive = (id) => {
    position.set(id, live.length);
    live.push(id);
  };
  const removeLive = (id) => {
    const index = position.get(id);
    const last = live.pop();
    if (last !== id) {
      live[index] = last;
      position.set(last, index);
    }
    position.delete(id);
  };
  const randomLive = () => live[Math.floor(Math.random() * live.length)];
  const gone = (id) => deleted.has(id) || pendingDelete.has(id);
  /** 200 as expected, or 404 for a product whose delete had started: anything else is noted. */
  const expect = (type, answer, id, ok = [200]) => {
    if (ok.includes(answer.status) || (answer.status === 404 && id && gone(id))) return;
    unexpected.push({
      type,
      id,
      status: answer.status,
      request_id: answer.headers?.get("request-id"),
      body: answer.text?.slice(0, 300) ?? String(answer.error),
    });
  };

  const ops = {
    create: async (key, lane) => {
      const n = ++sequence;
      const answer = await send(stats, "create", key, "POST", "/v1/products", {
        paced: false,
        body: {
          name: `No-loss ${lane}-${n}`,
          description: "Created under load",
          prices: [{ currency: "EUR", amount: 100 + n }],
          tags: ["no-loss"],
          inventory: { tracking: "product", quantity: INITIAL_QUANTITY },
        },
      });
      expect("create", answer, undefined, [201]);
      if (answer.status === 201) {
        creates += 1;
        products.set(answer.body.id, { patches: new Set(), delta: 0, writes: 0 });
        addLive(answer.body.id);
      }
    },
    get: async (key) => {
      const id = randomLive();
      const answer = await send(stats, "get", key, "GET", `/v1/products/${id}`, { paced: false });
      expect("get", answer, id);
    },
    list: async (key) => {
      const paths = [
        "/v1/products?limit=20",
        "/v1/products?tag=no-loss&limit=20",
        "/v1/products?q=loss&limit=10",
        "/v1/products?status=active&order=asc&limit=5",
      ];
      const answer = await send(stats, "list", key, "GET", paths[sequence % paths.length], { paced: false });
      expect("list", answer);
    },
    patch: async (key, lane) => {
      const id = randomLive();
      const mark = `l${lane}_${++sequence}`;
      const answer = await send(stats, "patch", key, "PATCH", `/v1/products/${id}`, {
        paced: false,
        body: { props: { [mark]: sequence }, description: `Patched by lane ${lane}` },
        headers: { "Content-Type": "application/merge-patch+json" },
      });
      expect("patch", answer, id);
      if (answer.status === 200) {
        const product = products.get(id);
        product.patches.add(mark);
        product.writes += 1;
        if (answer.body.props?.[mark] === undefined) {
          unexpected.push({ type: "patch", id, status: 200, body: `the answer lacks props.${mark}` });
        }
      }
    },
    adjust: async (key) => {
      const id = randomLive();
      const delta =
        Math.random() < 0.5 ? -(1 + Math.floor(Math.random() * 5)) : 1 + Math.floor(Math.random() * 5);
      const answer = await send(stats, "adjust", key, "POST", `/v1/products/${id}/inventory_adjustments`, {
        paced: false,
        body: { delta, reason: "no-loss bench" },
      });
      expect("adjust", answer, id);
      if (answer.status === 200) {
        const product = products.get(id);
        product.delta += delta;
        product.writes += 1;
      }
    },
    delete: async (key) => {
      const id = randomLive();
      removeLive(id);
      pendingDelete.add(id);
      const answer = await send(stats, "delete", key, "DELETE", `/v1/products/${id}`, { paced: false });
      if (answer.status === 200) {
        deletes += 1;
        deleted.add(id);
        pendingDelete.delete(id);
      } else {
        // Only this request deletes this id: anything but 200 is noted (and the id stays pending).
        unexpected.push({
          type: "delete",
          id,
          status: answer.status,
          request_id: answer.headers?.get("request-id"),
          body: answer.text?.slice(0, 300) ?? String(answer.error),
        });
      }
    },
    "storefront-get": async (key) => {
      const id = randomLive();
      const answer = await send(stats, "storefront-get", key, "GET", `/v1/storefront/products/${id}`, {
        paced: false,
        headers: { "Accept-Language": "de-DE, de;q=0.9, en;q=0.5", Origin: ORIGIN },
      });
      expect("storefront-get", answer, id);
    },
    "storefront-list": async (key) => {
      const answer = await send(stats, "storefront-list", key, "GET", "/v1/storefront/products?limit=20", {
        paced: false,
        headers: { "Accept-Language": "de-DE, de;q=0.9, en;q=0.5", Origin: ORIGIN },
      });
      expect("storefront-list", answer);
    },
  };
  const needsProduct = new Set(["get", "patch", "adjust", "delete", "storefront-get"]);
  const weighted = (weights) => {
    const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
    return () => {
      let roll = Math.random() * total;
      for (const [name, weight] of Object.entries(weights)) {
        roll -= weight;
        if (roll < 0) return name;
      }
      return Object.keys(weights)[0];
    };
  };
  const secretPick = weighted({ create: 20, get: 25, list: 10, patch: 20, adjust: 10, delete: 15 });
  const storefrontPick = weighted({ "storefront-get": 70, "storefront-list": 30 });

  const storefrontRate = RATE * STOREFRONT_SHARE;
  const secretRate = RATE - storefrontRate;
  const secretLanes = Math.min(secretKeys.length, Math.max(1, Math.ceil(secretRate / 8)));
  const storefrontLanes = Math.min(publishableKeys.length, Math.max(1, Math.ceil(storefrontRate / 8)));
  const secretInterval = (secretLanes * 1000) / secretRate;
  const storefrontInterval = (storefrontLanes * 1000) / storefrontRate;
  if (secretInterval < KEY_INTERVAL_MS || storefrontInterval < KEY_INTERVAL_MS) {
    throw new Error(`--rate ${RATE} needs more keys than this bench makes (at most 8.5 requests/s per key)`);
  }
  const lanes = [
    ...secretKeys.slice(0, secretLanes).map((key) => ({ key, pick: secretPick, interval: secretInterval })),
    ...publishableKeys
      .slice(0, storefrontLanes)
      .map((key) => ({ key, pick: storefrontPick, interval: storefrontInterval })),
  ];
  progress(
    `phase 3: ${SECONDS} s at ${RATE} requests/s: ${secretLanes} secret-key lanes every ${secretInterval.toFixed(0)} ms, ` +
      `${storefrontLanes} storefront lanes every ${storefrontInterval.toFixed(0)} ms`,
  );
  const started = performance.now();
  const endAt = Date.now() + SECONDS * 1000;
  let lateStarts = 0;
  let seen = 0;
  let seenServer = 0;
  const ticker = setInterval(() => {
    const recent = stats.latencies.slice(seen).sort((a, b) => a - b);
    const inside = stats.server.slice(seenServer).sort((a, b) => a - b);
    seen = stats.latencies.length;
    seenServer = stats.server.length;
    progress(
      `phase 3: ${stats.requests} responses, ${live.length} live products; last 5 s: ${recent.length} responses, ` +
        `p50 ${ms(percentile(recent, 0.5))} ms, p99 ${ms(percentile(recent, 0.99))} ms ` +
        `(in the Worker: p50 ${ms(percentile(inside, 0.5))} ms)`,
    );
  }, 5_000);
  await Promise.all(
    lanes.map(async ({ key, pick, interval }, lane) => {
      key.pacer.intervalMs = interval;
      // Spread the lanes' first requests over one interval.
      await sleep((lane / lanes.length) * interval);
      const inFlight = new Set();
      for (;;) {
        await key.pacer.take();
        if (Date.now() >= endAt) break;
        if (inFlight.size >= LANE_MAX_IN_FLIGHT) {
          lateStarts += 1;
          await Promise.race(inFlight);
        }
        let op = pick();
        if (needsProduct.has(op) && live.length === 0)
          op = op.startsWith("storefront") ? "storefront-list" : "create";
        const running = ops[op](key, lane).finally(() => inFlight.delete(running));
        inFlight.add(running);
      }
      await Promise.all(inFlight);
      key.pacer.intervalMs = KEY_INTERVAL_MS;
    }),
  );
  clearInterval(ticker);
  const elapsed = (performance.now() - started) / 1000;

  say(`Phase 3: steady mixed load, ${SECONDS} s at a target of ${RATE} requests/s`);
  say(
    `  lanes: ${secretLanes} secret keys (one request every ${secretInterval.toFixed(0)} ms each), ` +
      `${storefrontLanes} publishable keys (every ${storefrontInterval.toFixed(0)} ms each); ` +
      `at most ${LANE_MAX_IN_FLIGHT} in flight per lane (waits for a free slot: ${lateStarts})`,
  );
  const all = [...stats.latencies].sort((a, b) => a - b);
  say(
    `  requests: ${stats.requests} in ${elapsed.toFixed(1)} s = ${(stats.requests / elapsed).toFixed(1)} requests/s; ` +
      `latency p50 ${ms(percentile(all, 0.5))} ms, p99 ${ms(percentile(all, 0.99))} ms, max ${ms(all[all.length - 1] ?? Number.NaN)} ms`,
  );
  const server = [...stats.server].sort((a, b) => a - b);
  say(
    `  time inside the Worker (Server-Timing total, ${server.length} responses): p50 ${ms(percentile(server, 0.5))} ms, ` +
      `p99 ${ms(percentile(server, 0.99))} ms`,
  );
  say(`  statuses: ${statusLine(stats.statuses)}`);
  const rows = [["type", "requests", "statuses", "p50 ms", "p99 ms", "max ms", "server p50", "server p99"]];
  for (const [type, entry] of [...stats.types.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...entry.latencies].sort((a, b) => a - b);
    const server = [...entry.server].sort((a, b) => a - b);
    rows.push([
      type,
      String(sorted.length),
      statusLine(entry.statuses),
      ms(percentile(sorted, 0.5)),
      ms(percentile(sorted, 0.99)),
      ms(sorted[sorted.length - 1]),
      ms(percentile(server, 0.5)),
      ms(percentile(server, 0.99)),
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) {
    say(
      `  ${row.map((cell, column) => (column <= 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ")}`,
    );
  }
  say(
    `  products: ${creates} created (201), ${deletes} deleted (200), ${live.length} left; ` +
      `${pendingDelete.size} deletes without a 200`,
  );
  for (const item of unexpected.slice(0, 10)) say(`  unexpected: ${JSON.stringify(item)}`);

  check("phase 3: no 5xx", stats.serverErrors.length === 0, `${stats.serverErrors.length} 5xx`);
  check(
    "phase 3: every answer as expected (no 404 for a product never deleted)",
    unexpected.length === 0,
    `${unexpected.length} unexpected`,
  );
  return { live: new Set(live), products };
}

/** After phase 3: every live product has each acknowledged patch and adjustment, once. */
function auditWrites(listed, phase3Result) {
  const byId = new Map(listed.map((product) => [product.id, product]));
  const lostPatches = [];
  const wrongQuantity = [];
  const wrongVersion = [];
  let patches = 0;
  let adjusted = 0;
  for (const id of phase3Result.live) {
    const product = byId.get(id);
    const expected = phase3Result.products.get(id);
    if (!product) continue; // reported by the count
    patches += expected.patches.size;
    if (expected.delta !== 0) adjusted += 1;
    for (const mark of expected.patches) {
      if (product.props?.[mark] === undefined) lostPatches.push(`${id} props.${mark}`);
    }
    if (product.inventory?.quantity !== INITIAL_QUANTITY + expected.delta) {
      wrongQuantity.push(`${id}: ${product.inventory?.quantity} vs ${INITIAL_QUANTITY + expected.delta}`);
    }
    if (product.version !== 1 + expected.writes)
      wrongVersion.push(`${id}: v${product.version} vs v${1 + expected.writes}`);
  }
  say(
    `  live products checked: ${phase3Result.live.size}: ${patches} acknowledged props keys, ${adjusted} with adjusted stock`,
  );
  check(
    "phase 3: every acknowledged PATCH is in its product's props",
    lostPatches.length === 0,
    lostPatches.slice(0, 5).join("; "),
  );
  check(
    "phase 3: every quantity is 1000 plus its acknowledged adjustments",
    wrongQuantity.length === 0,
    wrongQuantity.slice(0, 5).join("; "),
  );
  check(
    "phase 3: every version is 1 plus its acknowledged writes",
    wrongVersion.length === 0,
    wrongVersion.slice(0, 5).join("; "),
  );
}

// ---------------------------------------------------------------------------------------------

const startedAt = performance.now();
let failedSetup;
try {
  progress(`migrating a fresh local D1 in ${persistTo}`);
  mkdirSync(persistTo);
  migrate(persistTo);
  progress("starting wrangler dev");
  await startWorker();
  progress(`wrangler dev on ${base}`);
  setupStats = newStats("setup");
  auditStats = newStats("audit");

  const org = await send(setupStats, "admin", admin, "POST", "/v1/admin/orgs", {
    body: { name: "No-loss bench" },
  });
  if (org.status !== 201) throw new Error(`could not create an org: ${org.status} ${org.text}`);
  orgId = org.body.id;
  const secret = { type: "secret", scopes: ["product.edit"] };
  auditor = await createKey("auditor", secret);
  const writers = [];
  for (let index = 0; index < WRITERS; index++) writers.push(await createKey(`writer ${index}`, secret));
  const idempotent = await createKey("idempotent creates", secret);
  const extra = [];
  for (let index = 0; index < EXTRA_SECRET_KEYS; index++)
    extra.push(await createKey(`load ${index}`, secret));
  const publishable = [];
  for (let index = 0; index < PUBLISHABLE_KEYS; index++) {
    publishable.push(
      await createKey(`storefront ${index}`, {
        type: "publishable",
        scopes: ["storefront.read"],
        allowed_origins: [ORIGIN],
      }),
    );
  }
  say(
    `no-loss: wrangler dev on ${base}, org ${orgId}, ${setupStats.requests} admin requests (1 org, ${setupStats.requests - 1} keys)`,
  );
  say();

  const expectedIds = new Set();
  const counter = await phase1(writers);
  expectedIds.add(counter.id);
  await auditCount("after phase 1", expectedIds);
  say();

  const idem = await phase2(idempotent);
  expectedIds.add(idem.id);
  await auditCount("after phase 2", expectedIds);
  say();

  const loaded = await phase3([...extra, idempotent, ...writers], publishable);
  for (const id of loaded.live) expectedIds.add(id);
  const listed = await auditCount("after phase 3", expectedIds);
  auditWrites(listed, loaded);
} catch (error) {
  failedSetup = error;
  check("the bench ran to the end", false, String(error?.stack ?? error));
} finally {
  const serverErrors = allStats.flatMap((stats) => stats.serverErrors);
  const rateLimited = allStats.flatMap((stats) => stats.rateLimited);
  const networkErrors = allStats.flatMap((stats) => stats.networkErrors);
  check(
    "no 5xx in any phase (setup and audits included)",
    serverErrors.length === 0,
    `${serverErrors.length}`,
  );
  check(
    "no 429 rate_limited (the pacing keeps under every limit)",
    rateLimited.length === 0,
    `${rateLimited.length}`,
  );
  check("no connection errors", networkErrors.length === 0, `${networkErrors.length}`);
  const problems = [...serverErrors, ...rateLimited, ...networkErrors];
  if (problems.length > 0) {
    say();
    say("5xx, 429 and connection errors (first 10):");
    for (const problem of problems.slice(0, 10)) say(`  ${JSON.stringify(problem)}`);
    if (serverErrors.length > 0 || failedSetup) {
      say("wrangler dev log, lines with error/exception (last 40):");
      for (const line of wranglerErrors()) say(`  ${line}`);
    }
  } else if (failedSetup) {
    say("wrangler dev log, lines with error/exception (last 40):");
    for (const line of wranglerErrors()) say(`  ${line}`);
  }
  const total = allStats.reduce((sum, stats) => sum + stats.requests, 0);
  await cleanup();
  const failed = checks.filter((item) => !item.ok);
  say();
  say("Checks:");
  for (const item of checks)
    say(`  ${item.ok ? "✓" : "✗"} ${item.name}${item.detail && !item.ok ? `: ${item.detail}` : ""}`);
  say();
  say(
    `no-loss: ${checks.length - failed.length} passed, ${failed.length} failed; ${total} requests; ` +
      `${((performance.now() - startedAt) / 1000).toFixed(1)} s in all`,
  );
  console.log(report.join("\n"));
  process.exitCode = failed.length === 0 ? 0 : 1;
}
