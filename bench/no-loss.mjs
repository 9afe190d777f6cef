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
// failure and SIGINT/SIGTERM. This file runs them (wrangler dev, the org and keys, the
// phases in order); the phases and their checks are bench/lib/no-loss-checks.mjs, the report
// bench/lib/no-loss-report.mjs.
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { freePort, migrate, startWorker as startLocalWorker } from "../scripts/local.mjs";
import { Pacer } from "./lib/load.mjs";
import {
  auditCount,
  auditWrites,
  KEY_INTERVAL_MS,
  newKeyRecord,
  ORIGIN,
  overallChecks,
  phase1,
  phase2,
  phase3,
  STOREFRONT_SHARE,
  send,
} from "./lib/no-loss-checks.mjs";
import {
  closingLines,
  countLine,
  phase1Lines,
  phase2Lines,
  phase3Lines,
  problemLines,
  progress,
  Stats,
  setupLine,
  writesLine,
} from "./lib/no-loss-report.mjs";

/**
 * @import { ApiKeyCreated, ApiOrg, LocalWorker } from "../scripts/local.mjs"
 * @import { CheckResult } from "./lib/no-loss-report.mjs"
 * @import { CreatedKey, KeyRecord, Run } from "./lib/no-loss-checks.mjs"
 */

const { values: options } = parseArgs({
  options: { seconds: { type: "string", default: "60" }, rate: { type: "string", default: "50" } },
});
const SECONDS = Number(options.seconds);
const RATE = Number(options.rate);
if (!(SECONDS > 0) || !(RATE > 0)) throw new Error("--seconds and --rate must be positive numbers");

const WRITERS = 20;
/** Admin API: 60 per 60 s per client IP. */
const ADMIN_PER_WINDOW = 55;
const EXTRA_SECRET_KEYS = 8;
const PUBLISHABLE_KEYS = 6;
/** Phase 3 uses the writers', the idempotent creates' and the extra secret keys, and the publishable ones. */
const MAX_RATE = Math.min(
  ((WRITERS + 1 + EXTRA_SECRET_KEYS) * 1000) / KEY_INTERVAL_MS / (1 - STOREFRONT_SHARE),
  (PUBLISHABLE_KEYS * 1000) / KEY_INTERVAL_MS / STOREFRONT_SHARE,
);
if (RATE > MAX_RATE)
  throw new Error(`--rate ${RATE}: at most ${Math.floor(MAX_RATE)} with this bench's keys`);
const ADMIN_TOKEN = `no-loss-${randomBytes(16).toString("hex")}`;

/** @type {Stats[]} */
const allStats = [];
/** @param {string} name */
const newStats = (name) => {
  const stats = new Stats(name);
  allStats.push(stats);
  return stats;
};

/** @type {CheckResult[]} */
const checks = [];
/** @type {(name: string, ok: boolean, detail?: string) => void} */
function check(name, ok, detail = "") {
  checks.push({ name, ok, detail });
  progress(`${ok ? "✓" : "✗"} ${name}${detail ? ` (${detail})` : ""}`);
}
/** @type {string[]} the report, printed at the end */
const report = [];

// ---------------------------------------------------------------------------------------------
// wrangler dev, logging to a file; `worker` is kept for the cleanup.

const root = mkdtempSync(join(tmpdir(), "products-api-no-loss-"));
const persistTo = join(root, "state");
const logPath = join(root, "wrangler.log");
/** @type {LocalWorker | undefined} */
let worker;
/** @type {string | undefined} wrangler dev's origin, once started */
let base;

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
// Keys.

/** @type {KeyRecord} */
const admin = { key: ADMIN_TOKEN, pacer: new Pacer(0, ADMIN_PER_WINDOW, 60_000) };
/** @type {Stats} */
let setupStats;
/** @type {string} */
let orgId;

/**
 * @param {string} name
 * @param {Record<string, unknown>} body
 * @returns {Promise<CreatedKey>}
 */
async function createKey(name, body) {
  const created = await send(
    /** @type {string} */ (base),
    setupStats,
    "admin",
    admin,
    "POST",
    "/v1/admin/api_keys",
    {
      body: { name, org_ids: [orgId], ...body },
    },
  );
  if (created.status !== 201)
    throw new Error(`could not create key ${name}: ${created.status} ${created.text}`);
  const key = /** @type {ApiKeyCreated} */ (created.body);
  return { ...newKeyRecord(key.key), id: key.id, name };
}

// ---------------------------------------------------------------------------------------------

const startedAt = performance.now();
/** @type {unknown} */
let failedSetup;
try {
  progress(`migrating a fresh local D1 in ${persistTo}`);
  mkdirSync(persistTo);
  migrate(persistTo);
  progress("starting wrangler dev");
  await startWorker();
  progress(`wrangler dev on ${base}`);
  setupStats = newStats("setup");
  const auditStats = newStats("audit");

  const org = await send(/** @type {string} */ (base), setupStats, "admin", admin, "POST", "/v1/admin/orgs", {
    body: { name: "No-loss bench" },
  });
  if (org.status !== 201) throw new Error(`could not create an org: ${org.status} ${org.text}`);
  orgId = /** @type {ApiOrg} */ (org.body).id;
  const secret = { type: "secret", scopes: ["product.edit"] };
  const auditor = await createKey("auditor", secret);
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
  /** @type {Run} */
  const run = { base: /** @type {string} */ (base), auditor, auditStats, newStats, check };
  report.push(setupLine(run.base, orgId, setupStats.requests), "");

  /** @type {Set<string>} */
  const expectedIds = new Set();
  const counter = await phase1(run, writers);
  report.push(...phase1Lines(counter));
  expectedIds.add(counter.id);
  report.push(countLine(await auditCount(run, "after phase 1", expectedIds), expectedIds), "");

  const idem = await phase2(run, idempotent);
  report.push(...phase2Lines(idem));
  expectedIds.add(idem.id);
  report.push(countLine(await auditCount(run, "after phase 2", expectedIds), expectedIds), "");

  const loaded = await phase3(run, [...extra, idempotent, ...writers], publishable, {
    seconds: SECONDS,
    rate: RATE,
  });
  report.push(...phase3Lines(loaded));
  for (const id of loaded.live) expectedIds.add(id);
  const listed = await auditCount(run, "after phase 3", expectedIds);
  report.push(countLine(listed, expectedIds));
  report.push(writesLine(auditWrites(run, listed, loaded)));
} catch (error) {
  failedSetup = error;
  check("the bench ran to the end", false, String(/** @type {Error | undefined} */ (error)?.stack ?? error));
} finally {
  const { serverErrors, rateLimited, networkErrors } = overallChecks(check, allStats);
  const problems = [...serverErrors, ...rateLimited, ...networkErrors];
  // the log's error lines too when the Worker answered a 5xx or the bench stopped early
  report.push(
    ...problemLines(problems, serverErrors.length > 0 || failedSetup ? wranglerErrors() : undefined),
  );
  const total = allStats.reduce((sum, stats) => sum + stats.requests, 0);
  await cleanup();
  report.push(...closingLines(checks, total, performance.now() - startedAt));
  console.log(report.join("\n"));
  process.exitCode = checks.every((item) => item.ok) ? 0 : 1;
}
