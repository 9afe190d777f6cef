// npm run bench:faults [-- --rounds N] [-- --webhook-seconds S]: a kill -9 fault drill against a real
// `wrangler dev` (local D1, KV, R2, queues), bounded in time. One persisted state folder for every
// round (migrated once, so state accumulates); a new org per round. Per round:
//   1. wrangler dev (with --test-scheduled) on that state; an org, 10 writer keys and an auditor
//      key; a webhook endpoint subscribed to `*` at the local receiver; 20 products with stock 1000.
//   2. A burst of 120 first requests over 2 s (creates, some with image URLs of the local origin;
//      merge PATCHes that each set their own props key; keyed creates, PATCHes and inventory
//      adjustments, each sent again with the same Idempotency-Key and body once it has an answer).
//   3. Mid-burst, SIGKILL to the process group of wrangler dev and its workerd: what each request
//      got (2xx, another status, a connection failure) is kept.
//   4. The KV folder under the state (the IDEMPOTENCY namespace, the only KV one) is deleted, wrangler
//      dev restarted on the same state and port, and every keyed request sent again with its key and
//      body: the acknowledged ones at once, the others once the dead requests' claim locks (60 s)
//      have run out.
//   5. The every-minute cron is triggered (/cdn-cgi/handler/scheduled) until every event of the org
//      reached the receiver or --webhook-seconds (default 150) after the kill have passed.
//   6. Invariants, violations counted: (a) every acknowledged write is there, (b) every listed image
//      is served, (c) an event for every create, acknowledged PATCH and applied adjustment, (d) stock
//      = 1000 + the applied deltas, (e) keyed retries answer the first result and never apply twice,
//      (f) every event of the org reached the receiver.
// Prints one row per round; the exit code is non-zero on any violation or harness failure. Every
// child process and server is stopped and the temporary folder removed on success, failure and
// SIGINT/SIGTERM.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { call, freePort, migrate, SECRET_KEY_SCOPES, startWorker } from "../scripts/local.mjs";
import { prng } from "./lib/catalog.mjs";
import { startImageOrigin } from "./lib/image-origin.mjs";
import { Pacer, requestJson } from "./lib/load.mjs";
import { table } from "./lib/report.mjs";

/**
 * @import { AddressInfo } from "node:net"
 * @import { ApiError, ApiEvent, ApiEventPage, ApiKeyCreated, ApiOrg, ApiProduct, ApiProductPage, LocalWorker } from "../scripts/local.mjs"
 * @import { Answer } from "./lib/load.mjs"
 */
/** @typedef {{ key: string, pacer: Pacer }} Key an api key, paced under its rate limit */
/** @typedef {Answer & { started: number, ended: number }} Sent one send: its answer (`error` a string) and when */
/** @typedef {Sent & { phase: "burst" | "restart" }} Attempt */
/** @typedef {Attempt & { body: ApiProduct | undefined }} Acknowledged a 2xx attempt: the product written */
/**
 * One of the burst's requests (planBurst): a create (`body` its product), a PATCH of seed product
 * `target` setting props[`mark`] = `n`, or an adjustment of `target` by `delta` with `reason`.
 * @typedef {object} BurstRequest
 * @property {number} n
 * @property {keyof typeof MIX} kind
 * @property {boolean} keyed
 * @property {Key} key
 * @property {Attempt[]} attempts every send, in order
 * @property {string} [idempotencyKey]
 * @property {string} method
 * @property {string} path
 * @property {Record<string, unknown>} body
 * @property {string} [target]
 * @property {string} [mark]
 * @property {number} [delta]
 * @property {string} [reason]
 */
/** @typedef {"a" | "b" | "c" | "d" | "e" | "f"} Invariant */
/**
 * @typedef {object} RoundResult
 * @property {number} round
 * @property {Record<Invariant, string[]>} violations
 * @property {number} requests
 * @property {number} inFlight
 * @property {number} refused
 * @property {number} ok
 * @property {number} other
 * @property {number} retried
 * @property {number} events
 * @property {number} delivered
 * @property {number} images
 * @property {number} products
 * @property {number} seconds
 */

const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    "webhook-seconds": { type: "string", default: "150" },
  },
});
const ROUNDS = Number(options.rounds);
const WEBHOOK_MS = Number(options["webhook-seconds"]) * 1000;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error("--rounds must be a positive integer");
if (!(WEBHOOK_MS > 0)) throw new Error("--webhook-seconds must be a positive number");

const WRITER_KEYS = 10;
const SEEDS = 20;
const INITIAL_QUANTITY = 1000;
/** The burst's first requests, by kind; keyed ones are sent again once they have an answer. */
const MIX = { create: 16, "create-keyed": 16, patch: 24, "patch-keyed": 16, "adjust-keyed": 48 };
const BURST_MS = 2000;
/** The kill, after the burst's start: three quarters of the first requests are out by then. */
const KILL_AT_MS = 1500;
/** The idempotency claim lock (IDEMPOTENCY_LOCK_MS in src/idempotency): a dead request's key is free after it. */
const CLAIM_LOCK_MS = 60_000;
const IN_USE_TRIES = 15;
const CRON_EVERY_MINUTE = "* * * * *";
const CRON_INTERVAL_MS = 15_000;
const ADMIN_TOKEN = `faults-${randomBytes(16).toString("hex")}`;

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
/** @param {string} line */
const progress = (line) => process.stderr.write(`faults: ${line}\n`);
/** @param {number} status */
const is2xx = (status) => status >= 200 && status < 300;

// ---------------------------------------------------------------------------------------------
// Temporary folder, wrangler dev, the image origin and the webhook receiver; all stopped by cleanup.

const root = mkdtempSync(join(tmpdir(), "products-api-faults-"));
const persistTo = join(root, "state");
const logPath = join(root, "wrangler.log");
/** @type {LocalWorker | undefined} */
let worker;
/** @typedef {Awaited<ReturnType<typeof startImageOrigin>>} ImageOrigin */
/** @type {ImageOrigin | undefined} started before the first round */
let imageOrigin;

/**
 * Every webhook delivery: webhook-id → the paths (one per endpoint) it arrived at.
 * @type {Map<string | string[], Set<string | undefined>>}
 */
const deliveries = new Map();
const receiver = createServer((request, response) => {
  const id = request.headers["webhook-id"];
  request.resume();
  request.on("end", () => {
    if (id) {
      const paths = deliveries.get(id) ?? new Set();
      paths.add(request.url);
      deliveries.set(id, paths);
    }
    response.writeHead(204).end();
  });
});

let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await worker?.stop();
  worker = undefined;
  await imageOrigin?.stop();
  await /** @type {Promise<void>} */ (
    new Promise((resolve) => {
      receiver.close(() => resolve());
      receiver.closeAllConnections();
    })
  );
  rmSync(root, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    progress(`${signal}: stopping wrangler dev and the local servers, removing ${root}`);
    cleanup().finally(() => process.exit(130));
  });
}

/**
 * @param {number} port
 * @param {string} receiverHost
 */
async function start(port, receiverHost) {
  const log = openSync(logPath, "a");
  try {
    worker = await startWorker({
      port,
      persistTo,
      vars: {
        ADMIN_TOKEN,
        IMAGE_FETCH_ALLOWED_HOSTS: `${/** @type {ImageOrigin} */ (imageOrigin).host},${receiverHost}`,
      },
      stdio: ["ignore", log, log],
      args: [
        "--inspector-port",
        String(await freePort()),
        "--show-interactive-dev-session=false",
        "--test-scheduled",
      ],
      timeoutMs: 90_000,
    });
  } finally {
    closeSync(log);
  }
  return worker.base;
}

/**
 * The processes of a process group: [{pid, command}] (from ps).
 * @param {number | undefined} pgid
 */
function processGroup(pgid) {
  const listed = spawnSync("ps", ["-e", "-o", "pid=,pgid=,comm="], { encoding: "utf8" });
  return listed.stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group]) => Number(group) === pgid)
    .map(([pid, , command]) => ({ pid: Number(pid), command: /** @type {string} */ (command) }));
}

function wranglerErrors() {
  try {
    return readFileSync(logPath, "utf8")
      .split("\n")
      .filter((line) => /error|exception|uncaught/i.test(line))
      .slice(-20);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Requests.

/** @type {string | undefined} wrangler dev's origin, once started */
let base;
/**
 * @param {string} key
 * @returns {Key}
 */
const newKey = (key) => ({ key, pacer: new Pacer(0, 90, 10_000) });

/**
 * One request with an api key (paced under its rate limit); never throws: a failure is `error`.
 * @param {Key} key
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options]
 * @returns {Promise<Sent>}
 */
async function send(key, method, path, { body, headers = {} } = {}) {
  await key.pacer.take(true);
  const started = Date.now();
  const answer = await requestJson(`${base}${path}`, key.key, method, { body, headers });
  if (answer.status === 0)
    answer.error = String(
      /** @type {{ cause?: { code?: string } } | undefined} */ (answer.error)?.cause?.code ?? answer.error,
    );
  return { ...answer, started, ended: Date.now() };
}

/**
 * Every item of a list endpoint (products or events), page by page (limit 100).
 * @param {Key} key
 * @param {string} path
 */
async function listAll(key, path) {
  /** @type {(ApiProduct | ApiEvent)[]} */
  const items = [];
  /** @type {string | null | undefined} */
  let cursor;
  do {
    const page = await send(
      key,
      "GET",
      `${path}?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (page.status !== 200) throw new Error(`GET ${path}: ${page.status} ${page.text ?? page.error}`);
    const body = /** @type {ApiProductPage | ApiEventPage} */ (page.body);
    items.push(...body.data);
    cursor = body.has_more ? body.next_cursor : undefined;
  } while (cursor);
  return items;
}

/**
 * @param {string} path
 * @param {object} body
 */
async function admin(path, body) {
  const answer = await call(/** @type {string} */ (base), path, { token: ADMIN_TOKEN, body });
  if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

async function triggerCron() {
  const cron = encodeURIComponent(CRON_EVERY_MINUTE);
  for (const path of [`/cdn-cgi/handler/scheduled?cron=${cron}`, `/__scheduled?cron=${cron}`]) {
    try {
      const response = await fetch(`${base}${path}`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // try the other path
    }
  }
  throw new Error(
    "the scheduled handler could not be triggered (is wrangler dev running with --test-scheduled?)",
  );
}

// ---------------------------------------------------------------------------------------------
// One round.

/**
 * The burst's requests: { kind, keyed, key, method, path, body, idempotencyKey?, target?, mark?,
 * delta?, reason?, attempts: [{ phase, ...answer }] }.
 * @param {number} round
 * @param {Key[]} writers
 * @param {string[]} seeds product ids
 * @param {string[]} imageUrls the origin's 4
 * @returns {BurstRequest[]}
 */
function planBurst(round, writers, seeds, imageUrls) {
  const random = prng(1000 + round);
  const kinds = /** @type {BurstRequest["kind"][]} */ (
    Object.entries(MIX).flatMap(([kind, count]) => Array(count).fill(kind))
  );
  for (let index = kinds.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [kinds[index], kinds[other]] = /** @type {[BurstRequest["kind"], BurstRequest["kind"]]} */ ([
      kinds[other],
      kinds[index],
    ]);
  }
  return kinds.map((kind, n) => {
    const key = /** @type {Key} */ (writers[n % writers.length]);
    const keyed = kind.endsWith("-keyed");
    // method, path and body follow
    const request = /** @type {BurstRequest} */ ({
      n,
      kind,
      keyed,
      key,
      attempts: /** @type {Attempt[]} */ ([]),
    });
    if (keyed) request.idempotencyKey = `faults-${round}-${n}-${randomBytes(6).toString("hex")}`;
    if (kind.startsWith("create")) {
      request.method = "POST";
      request.path = "/v1/products";
      request.body = {
        name: `Fault drill ${round}-${n}`,
        tags: ["fault-drill"],
        inventory: { tracking: "product", quantity: INITIAL_QUANTITY },
      };
      if (n % 3 === 0) request.body.image_urls = [imageUrls[n % 4], imageUrls[(n + 1) % 4]];
    } else {
      const target = /** @type {string} */ (seeds[Math.floor(random() * seeds.length)]);
      request.target = target;
      request.path = `/v1/products/${target}`;
      if (kind.startsWith("patch")) {
        request.method = "PATCH";
        request.mark = `r${round}_${n}`;
        request.body = { props: { [request.mark]: n } };
      } else {
        request.method = "POST";
        request.path = `/v1/products/${target}/inventory_adjustments`;
        request.delta = random() < 0.5 ? -(1 + Math.floor(random() * 5)) : 1 + Math.floor(random() * 5);
        request.reason = `fault drill ${round}-${n}`;
        request.body = { delta: request.delta, reason: request.reason };
      }
    }
    return request;
  });
}

/**
 * @param {BurstRequest} request
 * @param {Attempt["phase"]} phase
 */
async function attempt(request, phase) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (request.method === "PATCH") headers["Content-Type"] = "application/merge-patch+json";
  if (request.keyed) headers["Idempotency-Key"] = /** @type {string} */ (request.idempotencyKey);
  const answer = await send(request.key, request.method, request.path, { body: request.body, headers });
  request.attempts.push({ phase, ...answer });
  return answer;
}

/**
 * A keyed retry after the restart: a 409 idempotency_key_in_use is sent again after its Retry-After.
 * @param {BurstRequest} request
 */
async function retryAfterRestart(request) {
  for (let tries = 1; ; tries++) {
    const answer = await attempt(request, "restart");
    if (
      answer.status === 409 &&
      /** @type {ApiError | undefined} */ (answer.body)?.key === "idempotency_key_in_use" &&
      tries < IN_USE_TRIES
    ) {
      await sleep(
        Math.max(1, Number(/** @type {Headers} */ (answer.headers).get("retry-after") ?? 1)) * 1000,
      );
      continue;
    }
    return;
  }
}

/**
 * A request's 2xx attempts: each answered with the product it wrote.
 * @param {BurstRequest} request
 */
const ok = (request) => /** @type {Acknowledged[]} */ (request.attempts.filter((item) => is2xx(item.status)));

/**
 * @param {number} round
 * @returns {Promise<RoundResult>}
 */
async function runRound(round) {
  // the counts follow
  const result = /** @type {RoundResult} */ ({
    round,
    violations: /** @type {RoundResult["violations"]} */ ({ a: [], b: [], c: [], d: [], e: [], f: [] }),
  });
  /**
   * @param {Invariant} invariant
   * @param {string} detail
   */
  const note = (invariant, detail) => result.violations[invariant].push(detail);
  const roundStart = Date.now();
  const port = await freePort();
  const receiverHost = `127.0.0.1:${/** @type {AddressInfo} */ (receiver.address()).port}`;

  progress(`round ${round}: starting wrangler dev on port ${port}`);
  base = await start(port, receiverHost);
  const org = /** @type {ApiOrg} */ (await admin("/v1/admin/orgs", { name: `Fault drill ${round}` }));
  /** @param {string} name */
  const makeKey = async (name) =>
    newKey(
      /** @type {ApiKeyCreated} */ (
        await admin("/v1/admin/api_keys", {
          name,
          org_ids: [org.id],
          type: "secret",
          scopes: SECRET_KEY_SCOPES,
        })
      ).key,
    );
  const auditor = await makeKey("auditor");
  /** @type {Key[]} */
  const writers = [];
  for (let index = 0; index < WRITER_KEYS; index++) writers.push(await makeKey(`writer ${index}`));
  const hookPath = `/hook/${org.id}`;
  const endpoint = await send(auditor, "POST", "/v1/webhook_endpoints", {
    body: { url: `http://${receiverHost}${hookPath}`, events: ["*"] },
  });
  if (endpoint.status !== 201) throw new Error(`webhook endpoint: ${endpoint.status} ${endpoint.text}`);
  /** @type {string[]} */
  const seeds = [];
  await Promise.all(
    Array.from({ length: SEEDS }, async (_, index) => {
      const created = await send(
        /** @type {Key} */ (writers[index % writers.length]),
        "POST",
        "/v1/products",
        {
          body: {
            name: `Fault drill seed ${round}-${index}`,
            inventory: { tracking: "product", quantity: INITIAL_QUANTITY },
          },
        },
      );
      if (created.status !== 201) throw new Error(`seed product: ${created.status} ${created.text}`);
      seeds.push(/** @type {ApiProduct} */ (created.body).id);
    }),
  );

  // The burst, and the kill in the middle of it.
  const requests = planBurst(round, writers, seeds, /** @type {ImageOrigin} */ (imageOrigin).urls);
  const group = processGroup(/** @type {LocalWorker} */ (worker).child.pid);
  if (!group.some((item) => item.command.startsWith("workerd")))
    throw new Error(`no workerd in wrangler dev's process group: ${JSON.stringify(group)}`);
  progress(
    `round ${round}: burst of ${requests.length} requests over ${BURST_MS} ms, SIGKILL at ${KILL_AT_MS} ms to ` +
      group.map((item) => `${item.command} ${item.pid}`).join(", "),
  );
  const burstStart = Date.now();
  /** @type {number | undefined} set by the kill, which the burst awaits */
  let killedAt;
  const killing = sleep(KILL_AT_MS).then(async () => {
    killedAt = Date.now();
    await /** @type {LocalWorker} */ (worker).kill();
  });
  await Promise.all(
    requests.map(async (request, index) => {
      await sleep((index / requests.length) * BURST_MS);
      const first = await attempt(request, "burst");
      if (request.keyed && first.status !== 0) await attempt(request, "burst");
    }),
  );
  await killing;
  for (
    let waited = 0;
    processGroup(/** @type {LocalWorker} */ (worker).child.pid).length > 0;
    waited += 100
  ) {
    if (waited > 5000) throw new Error("processes of wrangler dev's group outlived SIGKILL");
    await sleep(100);
  }
  const burstSends = requests.flatMap((request) => request.attempts);
  result.requests = burstSends.length;
  result.inFlight = burstSends.filter(
    (item) => item.status === 0 && item.started < /** @type {number} */ (killedAt),
  ).length;
  result.refused = burstSends.filter(
    (item) => item.status === 0 && item.started >= /** @type {number} */ (killedAt),
  ).length;
  result.ok = burstSends.filter((item) => is2xx(item.status)).length;
  result.other = burstSends.filter((item) => item.status !== 0 && !is2xx(item.status)).length;
  progress(
    `round ${round}: killed ${/** @type {number} */ (killedAt) - burstStart} ms into the burst: ${result.ok} 2xx, ${result.other} other answers, ` +
      `${result.inFlight} killed in flight, ${result.refused} refused`,
  );

  // KV loses the stored responses; the same state and port again.
  const kv = join(persistTo, "v3", "kv");
  if (!existsSync(kv))
    throw new Error(`no KV state at ${kv}: ${readdirSync(join(persistTo, "v3")).join(", ")}`);
  rmSync(kv, { recursive: true, force: true });
  progress(`round ${round}: removed ${kv}; restarting wrangler dev`);
  base = await start(port, receiverHost);

  const keyed = requests.filter((request) => request.keyed);
  const acknowledged = keyed.filter((request) => ok(request).length > 0);
  const unanswered = keyed.filter((request) => ok(request).length === 0);
  result.retried = keyed.length;
  await Promise.all(acknowledged.map((request) => retryAfterRestart(request)));
  progress(
    `round ${round}: ${acknowledged.length} acknowledged keyed requests sent again; the other ${unanswered.length} ` +
      `once the claim locks have run out (${Math.max(0, Math.round((CLAIM_LOCK_MS + /** @type {number} */ (killedAt) + 2000 - Date.now()) / 1000))} s)`,
  );
  await sleep(/** @type {number} */ (killedAt) + CLAIM_LOCK_MS + 2000 - Date.now());
  await Promise.all(unanswered.map((request) => retryAfterRestart(request)));
  // Each request is sent once after the restart (409s aside): a replay would mean KV kept its answer.
  const replayed = keyed.filter((request) =>
    request.attempts.some(
      (item) => item.phase === "restart" && item.headers?.get("idempotent-replayed") === "true",
    ),
  );
  if (replayed.length > 0)
    throw new Error(
      `${replayed.length} retries after the restart were replayed from KV: its state was not removed`,
    );

  // (e) every keyed request's final answer is a 2xx with the first result; (a) acknowledged writes.
  for (const request of keyed) {
    const last = /** @type {Attempt} */ (request.attempts[request.attempts.length - 1]);
    const answers = ok(request);
    const label = `${request.kind} #${request.n}`;
    if (!is2xx(last.status))
      note("e", `${label}: last retry ${last.status} ${last.text?.slice(0, 120) ?? last.error}`);
    if (request.kind === "create-keyed") {
      const ids = new Set(answers.map((item) => item.body?.id));
      if (ids.size > 1) note("e", `${label}: answered ids ${[...ids].join(" ")}`);
    } else if (request.kind === "patch-keyed") {
      for (const item of answers)
        if (item.body?.props?.[/** @type {string} */ (request.mark)] !== request.n)
          note("e", `${label}: a 2xx without props.${request.mark}`);
    } else if (answers.some((item) => item.body?.id !== request.target)) {
      note("e", `${label}: a 2xx for another product`);
    }
  }
  const created = new Map(seeds.map((id) => [id, "seed"]));
  for (const request of requests.filter((item) => item.kind.startsWith("create"))) {
    for (const item of ok(request))
      created.set(/** @type {ApiProduct} */ (item.body).id, `${request.kind} #${request.n}`);
  }
  /** @type {Map<string, unknown>} */
  const byId = new Map();
  /** @param {number} index */
  const reader = (index) => /** @type {Key} */ (writers[index % writers.length]);
  await Promise.all(
    [...created.keys()].map(async (id, index) => {
      const read = await send(reader(index), "GET", `/v1/products/${id}`);
      if (read.status === 200) byId.set(id, read.body);
      else note("a", `${created.get(id)} ${id}: GET ${read.status}`);
    }),
  );
  const listed = /** @type {ApiProduct[]} */ (await listAll(auditor, "/v1/products"));
  const current = new Map(listed.map((product) => [product.id, product]));
  for (const request of requests.filter((item) => item.kind.startsWith("patch") && ok(item).length > 0)) {
    const value = current.get(/** @type {string} */ (request.target))?.props?.[
      /** @type {string} */ (request.mark)
    ];
    if (value !== request.n) note("a", `${request.kind} #${request.n}: props.${request.mark} is ${value}`);
  }

  // (b) every image of every product of the org is served, with bytes the origin served.
  const served = new Set(
    /** @type {ImageOrigin} */ (imageOrigin).bytes.map((bytes) => bytes.toString("base64")),
  );
  let images = 0;
  await Promise.all(
    listed.flatMap((product) =>
      (product.images ?? []).map(async (image) => {
        images += 1;
        try {
          const response = await fetch(`${base}${new URL(image.url).pathname}`);
          const bytes = Buffer.from(await response.arrayBuffer());
          if (response.status !== 200 || !served.has(bytes.toString("base64")))
            note("b", `${product.id} ${image.id}: ${response.status}, ${bytes.length} bytes`);
        } catch (error) {
          note("b", `${product.id} ${image.id}: ${error}`);
        }
      }),
    ),
  );

  // (c) events for every create, PATCH and applied adjustment; (d) stock; (e) never applied twice.
  const events = /** @type {ApiEvent[]} */ (await listAll(auditor, "/v1/events"));
  const createdEvents = new Map();
  const adjustmentEvents = new Map();
  for (const event of events) {
    const id = event.data.object.id;
    if (event.type === "product.created") createdEvents.set(id, (createdEvents.get(id) ?? 0) + 1);
    const reason = event.type === "product.updated" ? event.data.adjustment?.reason : undefined;
    if (reason) adjustmentEvents.set(reason, (adjustmentEvents.get(reason) ?? 0) + 1);
  }
  for (const request of requests.filter((item) => item.kind.startsWith("patch") && ok(item).length > 0)) {
    const seen = events.some(
      (event) =>
        event.type === "product.updated" &&
        event.data.object.id === request.target &&
        event.data.object.props?.[/** @type {string} */ (request.mark)] === request.n,
    );
    if (!seen) note("c", `${request.kind} #${request.n}: no product.updated with props.${request.mark}`);
  }
  for (const id of new Set([...created.keys(), ...current.keys()])) {
    const count = createdEvents.get(id) ?? 0;
    if (count === 0) note("c", `${created.get(id) ?? "unacknowledged create"} ${id}: no product.created`);
    if (count > 1) note("e", `${created.get(id) ?? "unacknowledged create"} ${id}: ${count} product.created`);
  }
  const expectedStock = new Map(seeds.map((id) => [id, INITIAL_QUANTITY]));
  for (const request of requests.filter((item) => item.kind === "adjust-keyed")) {
    const count = adjustmentEvents.get(/** @type {string} */ (request.reason)) ?? 0;
    if (ok(request).length === 0) continue; // never acknowledged: counted under (e)
    const target = /** @type {string} */ (request.target);
    expectedStock.set(
      target,
      /** @type {number} */ (expectedStock.get(target)) + /** @type {number} */ (request.delta),
    );
    if (count === 0) note("c", `adjust-keyed #${request.n}: no product.updated with its adjustment`);
    if (count > 1) note("e", `adjust-keyed #${request.n}: applied ${count} times (events)`);
  }
  for (const [id, quantity] of expectedStock) {
    const stock = current.get(id)?.inventory?.quantity;
    if (stock !== quantity) note("d", `${id}: stock ${stock}, expected ${quantity}`);
  }

  // (f) every event of the org reached the receiver, after the re-drive.
  const missing = () => events.filter((event) => !deliveries.get(event.id)?.has(hookPath));
  const deadline = /** @type {number} */ (killedAt) + WEBHOOK_MS;
  let lastCron = 0;
  while (missing().length > 0 && Date.now() < deadline) {
    if (Date.now() - lastCron >= CRON_INTERVAL_MS) {
      lastCron = Date.now();
      const before = missing().length;
      await triggerCron();
      progress(
        `round ${round}: cron "${CRON_EVERY_MINUTE}" triggered with ${before} of ${events.length} events ` +
          `not delivered (${Math.round((deadline - Date.now()) / 1000)} s left)`,
      );
    }
    await sleep(1000);
  }
  for (const event of missing())
    note("f", `${event.type} ${event.id} of ${event.data.object.id}: not delivered`);
  result.events = events.length;
  result.delivered = events.length - missing().length;
  result.images = images;
  result.products = listed.length;
  result.seconds = Math.round((Date.now() - roundStart) / 1000);

  await /** @type {LocalWorker} */ (worker).stop();
  worker = undefined;
  return result;
}

// ---------------------------------------------------------------------------------------------

const startedAt = Date.now();
/** @type {RoundResult[]} */
const results = [];
/** @type {unknown} */
let failure;
try {
  await /** @type {Promise<void>} */ (new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve)));
  imageOrigin = await startImageOrigin();
  progress(`migrating a fresh local D1 in ${persistTo} (kept for all ${ROUNDS} rounds)`);
  mkdirSync(persistTo);
  migrate(persistTo);
  for (let round = 1; round <= ROUNDS; round++) results.push(await runRound(round));
} catch (error) {
  failure = error;
} finally {
  const errors = failure ? wranglerErrors() : [];
  await cleanup();
  /** @type {Invariant[]} */
  const invariants = ["a", "b", "c", "d", "e", "f"];
  console.log(
    table(
      [
        "round",
        "requests",
        "killed in flight",
        "refused",
        "2xx",
        "other",
        "retried",
        ...invariants,
        "events",
        "delivered",
        "seconds",
      ],
      results.map((result) => [
        result.round,
        result.requests,
        result.inFlight,
        result.refused,
        result.ok,
        result.other,
        result.retried,
        ...invariants.map((invariant) => result.violations[invariant].length),
        result.events,
        result.delivered,
        result.seconds,
      ]),
    ),
  );
  console.log(
    "a: acknowledged writes present, b: images served, c: events for creates, PATCHes and adjustments, " +
      "d: stock, e: keyed retries (first result, applied once), f: webhooks delivered",
  );
  for (const result of results) {
    for (const invariant of invariants) {
      const list = result.violations[invariant];
      for (const detail of list.slice(0, 5)) console.log(`round ${result.round} ${invariant}: ${detail}`);
      if (list.length > 5) console.log(`round ${result.round} ${invariant}: … ${list.length - 5} more`);
    }
  }
  if (failure) {
    console.log(`harness failure: ${/** @type {Error | undefined} */ (failure)?.stack ?? failure}`);
    for (const line of errors) console.log(`  wrangler: ${line}`);
  }
  const violations = results.reduce(
    (sum, result) =>
      sum + invariants.reduce((count, invariant) => count + result.violations[invariant].length, 0),
    0,
  );
  console.log(
    `faults: ${results.length}/${ROUNDS} rounds, ${violations} violations${failure ? ", harness failure" : ""}; ` +
      `${Math.round((Date.now() - startedAt) / 1000)} s in all`,
  );
  process.exitCode = failure || violations > 0 || results.length < ROUNDS ? 1 : 0;
}
