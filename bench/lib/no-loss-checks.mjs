// The phases of bench/no-loss.mjs and their checks: what each sends against wrangler dev, what it
// counts and checks, and the audit of the org's products after each. Each phase returns its figures
// for bench/lib/no-loss-report.mjs.
import { randomUUID } from "node:crypto";
import { Pacer, percentile, requestJson, sleep } from "./load.mjs";
import { ms, progress, statusLine } from "./no-loss-report.mjs";

/**
 * @import { ApiError, ApiProduct, ApiProductPage } from "../../scripts/local.mjs"
 * @import { Seen, Stats, Timed } from "./no-loss-report.mjs"
 */
/** @typedef {{ key: string, pacer: Pacer }} KeyRecord an api key (or the admin token) and its pacer */
/** @typedef {KeyRecord & { id: string, name: string }} CreatedKey */
/** @typedef {(name: string, ok: boolean, detail?: string) => void} Check records a check */
/**
 * What the phases share with the runner.
 * @typedef {object} Run
 * @property {string} base wrangler dev's origin
 * @property {CreatedKey} auditor the key of the audits (and phase 1's counter)
 * @property {Stats} auditStats the audits' responses
 * @property {(name: string) => Stats} newStats the responses of a phase, counted in the totals
 * @property {Check} check
 */
/**
 * @typedef {object} SendOptions
 * @property {unknown} [body] sent as JSON
 * @property {Record<string, string>} [headers]
 * @property {boolean} [burst] no spacing after the key's last request (the window's limit still holds)
 * @property {boolean} [paced] false when the caller took the key's turn already
 */

const INCREMENTS = 10;
const PHASE1_LIMIT_MS = 180_000;
const SAME_KEY_CREATES = 50;
/** Per api key: the limit is 100 per clock-aligned 10 s window; stay at most 8.5/s and 90 per window. */
export const KEY_INTERVAL_MS = 1000 / 8.5;
const KEY_PER_WINDOW = 90;
/** Phase 3: the share of the rate that is storefront reads, and requests in flight per lane at most. */
export const STOREFRONT_SHARE = 0.2;
const LANE_MAX_IN_FLIGHT = 8;
const INITIAL_QUANTITY = 1000;
/** The publishable keys' allowed origin, and the Origin of the storefront reads. */
export const ORIGIN = "http://127.0.0.1:9";

/** @param {string} key */
export const newKeyRecord = (key) => ({ key, pacer: new Pacer(KEY_INTERVAL_MS, KEY_PER_WINDOW, 10_000) });

/**
 * One request to `base` with `key` (paced unless `paced` is false: the caller took its turn).
 * @param {string} base
 * @param {Stats} stats
 * @param {string} type
 * @param {KeyRecord} key
 * @param {string} method
 * @param {string} path
 * @param {SendOptions} [options]
 */
export async function send(
  base,
  stats,
  type,
  key,
  method,
  path,
  { body, headers = {}, burst = false, paced = true } = {},
) {
  if (paced) await key.pacer.take(burst);
  const started = performance.now();
  const result = /** @type {Timed} */ (
    await requestJson(`${base}${path}`, key.key, method, { body, headers })
  );
  result.ms = performance.now() - started;
  stats.record(type, method, path, result);
  return result;
}

/**
 * Every product of the org, page by page (limit 100).
 * @param {Run} run
 */
async function listAll(run) {
  /** @type {ApiProduct[]} */
  const products = [];
  /** @type {string | null | undefined} */
  let cursor;
  do {
    const page = await send(
      run.base,
      run.auditStats,
      "list-all",
      run.auditor,
      "GET",
      `/v1/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (page.status !== 200) throw new Error(`listing the products: ${page.status} ${page.text}`);
    const body = /** @type {ApiProductPage} */ (page.body);
    products.push(...body.data);
    cursor = body.has_more ? body.next_cursor : undefined;
  } while (cursor);
  return products;
}

/**
 * The org's products against the ids the acknowledged creates and deletes leave.
 * @param {Run} run
 * @param {string} label
 * @param {Set<string>} expectedIds
 */
export async function auditCount(run, label, expectedIds) {
  const products = await listAll(run);
  const listed = new Set(products.map((product) => product.id));
  const missing = [...expectedIds].filter((id) => !listed.has(id));
  const extra = [...listed].filter((id) => !expectedIds.has(id));
  const detail = `listed ${products.length}, expected ${expectedIds.size}${
    missing.length ? `; missing ${missing.slice(0, 5).join(" ")}` : ""
  }${extra.length ? `; unexpected ${extra.slice(0, 5).join(" ")}` : ""}`;
  run.check(
    `${label}: the org's product count is what the acknowledged creates minus deletes imply`,
    products.length === expectedIds.size &&
      listed.size === products.length &&
      !missing.length &&
      !extra.length,
    detail,
  );
  return products;
}

// ---------------------------------------------------------------------------------------------
// Phase 1: If-Match read-modify-write increments of one product.

/**
 * @param {Run} run
 * @param {CreatedKey[]} writers
 */
export async function phase1(run, writers) {
  const { base, auditor, check } = run;
  const stats = run.newStats("phase 1");
  const created = await send(base, stats, "create", auditor, "POST", "/v1/products", {
    body: { name: "No-loss counter", props: { counter: 0 } },
  });
  if (created.status !== 201)
    throw new Error(`could not create the counter: ${created.status} ${created.text}`);
  const counter = /** @type {ApiProduct} */ (created.body);
  const id = counter.id;
  const startVersion = counter.version;
  const tally = {
    gets: 0,
    attempts: 0,
    conflicts: 0,
    successes: 0,
    /** @type {string[]} */
    other: [],
    /** @type {number[]} */
    written: [],
    /** @type {string[]} */
    wrong: [],
  };
  /** @type {number[]} */
  const perWriter = [];
  const started = performance.now();
  const deadline = Date.now() + PHASE1_LIMIT_MS;
  progress(`phase 1: ${writers.length} writers × ${INCREMENTS} increments of props.counter of ${id}`);
  await Promise.all(
    writers.map(async (key, index) => {
      let mine = 0;
      while (mine < INCREMENTS && Date.now() < deadline) {
        const read = await send(base, stats, "get", key, "GET", `/v1/products/${id}`);
        tally.gets += 1;
        if (read.status !== 200) {
          tally.other.push(`GET ${read.status}`);
          continue;
        }
        const product = /** @type {ApiProduct} */ (read.body);
        // the counter this bench wrote
        const value = /** @type {number} */ (product.props.counter);
        const patched = await send(base, stats, "patch", key, "PATCH", `/v1/products/${id}`, {
          body: { props: { counter: value + 1 } },
          headers: {
            "Content-Type": "application/merge-patch+json",
            "If-Match": /** @type {string} */ (read.headers.get("etag")),
          },
        });
        tally.attempts += 1;
        if (patched.status === 200) {
          const answer = /** @type {ApiProduct} */ (patched.body);
          mine += 1;
          tally.successes += 1;
          tally.written.push(value + 1);
          if (
            answer.props.counter !== value + 1 ||
            answer.version !== product.version + 1 ||
            patched.headers.get("etag") !== `"${product.version + 1}"`
          ) {
            tally.wrong.push(
              `read v${product.version} counter ${value}, PATCH answered v${answer.version} counter ${answer.props.counter} ETag ${patched.headers.get("etag")}`,
            );
          }
        } else if (
          patched.status === 412 &&
          /** @type {ApiError | undefined} */ (patched.body)?.key === "precondition_failure"
        ) {
          tally.conflicts += 1;
        } else {
          tally.other.push(`PATCH ${patched.status} ${patched.text?.slice(0, 200)}`);
        }
      }
      perWriter[index] = mine;
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const final = await send(base, stats, "get", auditor, "GET", `/v1/products/${id}`);
  const finalProduct = /** @type {ApiProduct | undefined} */ (final.body);
  const finalValue = finalProduct?.props?.counter;
  // a number: the counter product has one
  const finalVersion = /** @type {number} */ (finalProduct?.version);
  const written = [...tally.written].sort((a, b) => a - b);
  const duplicates = written.filter((value, index) => index > 0 && written[index - 1] === value);
  const finished = perWriter.filter((count) => count === INCREMENTS).length;

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
  return {
    id,
    writers: writers.length,
    goal: INCREMENTS,
    tally,
    startVersion,
    finalValue,
    finalVersion,
    finished,
    elapsed,
  };
}

// ---------------------------------------------------------------------------------------------
// Phase 2: one Idempotency-Key, fifty concurrent creates.

/**
 * @param {Run} run
 * @param {CreatedKey} key
 */
export async function phase2(run, key) {
  const { base, auditor, check } = run;
  const stats = run.newStats("phase 2");
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
        const answer = await send(base, stats, "create", key, "POST", "/v1/products", {
          body,
          headers: { "Idempotency-Key": idempotencyKey },
          burst: true,
        });
        if (
          answer.status === 409 &&
          /** @type {ApiError | undefined} */ (answer.body)?.key === "idempotency_key_in_use" &&
          round < 20
        ) {
          inUse += 1;
          const retryAfter = /** @type {Headers} */ (answer.headers).get("retry-after");
          if (retryAfter === null) missingRetryAfter += 1;
          await sleep(Number(retryAfter ?? 1) * 1000);
          continue;
        }
        return { ...answer, round };
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  /** @type {Map<number, number>} */
  const statuses = new Map();
  for (const answer of finals) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  /** @param {(typeof finals)[number]} answer */
  const productOf = (answer) => /** @type {ApiProduct | undefined} */ (answer.body);
  const ids = new Set(finals.map((answer) => productOf(answer)?.id));
  const replayed = finals.filter((answer) => answer.headers?.get("idempotent-replayed") === "true");
  const original = finals.filter((answer) => answer.headers?.get("idempotent-replayed") !== "true");
  const id = /** @type {string} */ ([...ids][0]);
  const locations = new Set(finals.map((answer) => answer.headers?.get("location")));
  const byTag = await send(
    base,
    stats,
    "list",
    auditor,
    "GET",
    "/v1/products?tag=no-loss-idempotent&limit=100",
  );
  const tagged = /** @type {ApiProductPage | undefined} */ (byTag.body);
  const rounds = Math.max(...finals.map((answer) => answer.round));

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
    original.length === 1 &&
      replayed.every((answer) => answer.text === /** @type {(typeof finals)[number]} */ (original[0]).text),
  );
  check("phase 2: every 409 idempotency_key_in_use had Retry-After", missingRetryAfter === 0);
  check(
    "phase 2: exactly one product has the create's tag",
    byTag.status === 200 &&
      /** @type {ApiProductPage} */ (tagged).data.length === 1 &&
      /** @type {ApiProduct} */ (/** @type {ApiProductPage} */ (tagged).data[0]).id === id,
    `${tagged?.data?.length}`,
  );
  return {
    id,
    stats,
    creates: SAME_KEY_CREATES,
    inUse,
    rounds,
    elapsed,
    statuses,
    ids,
    replayed: replayed.length,
    original: original.length,
    tagged: tagged?.data?.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Phase 3: a steady mixed load.

/**
 * @param {Run} run
 * @param {KeyRecord[]} secretKeys
 * @param {KeyRecord[]} publishableKeys
 * @param {{ seconds: number, rate: number }} load seconds, requests/s
 */
export async function phase3(run, secretKeys, publishableKeys, { seconds, rate }) {
  const { base, check } = run;
  const stats = run.newStats("phase 3");
  /** @type {string[]} */
  const live = []; // ids of phase 3 products not (being) deleted
  /** @type {Map<string, number>} */
  const position = new Map();
  /** @type {Map<string, { patches: Set<string>, delta: number, writes: number }>} */
  const products = new Map(); // id → { patches: Set, delta, writes }
  /** @type {Set<string>} */
  const pendingDelete = new Set();
  /** @type {Set<string>} */
  const deleted = new Set();
  /** @type {{ type: string, id?: string, status: number, request_id?: string | null, body: string }[]} */
  const unexpected = [];
  let creates = 0;
  let deletes = 0;
  let sequence = 0;

  /** @param {string} id */
  const addLive = (id) => {
    position.set(id, live.length);
    live.push(id);
  };
  /** @param {string} id */
  const removeLive = (id) => {
    const index = /** @type {number} */ (position.get(id));
    const last = /** @type {string} */ (live.pop());
    if (last !== id) {
      live[index] = last;
      position.set(last, index);
    }
    position.delete(id);
  };
  // callers make sure there is a live product
  const randomLive = () => /** @type {string} */ (live[Math.floor(Math.random() * live.length)]);
  /** @param {string} id */
  const gone = (id) => deleted.has(id) || pendingDelete.has(id);
  /**
   * 200 as expected, or 404 for a product whose delete had started: anything else is noted.
   * @param {string} type
   * @param {Timed} answer
   * @param {string} [id]
   * @param {number[]} [ok]
   */
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

  /** @type {Record<string, (key: KeyRecord, lane: number) => Promise<void>>} */
  const ops = {
    create: async (key, lane) => {
      const n = ++sequence;
      const answer = await send(base, stats, "create", key, "POST", "/v1/products", {
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
        const product = /** @type {ApiProduct} */ (answer.body);
        creates += 1;
        products.set(product.id, { patches: new Set(), delta: 0, writes: 0 });
        addLive(product.id);
      }
    },
    get: async (key) => {
      const id = randomLive();
      const answer = await send(base, stats, "get", key, "GET", `/v1/products/${id}`, { paced: false });
      expect("get", answer, id);
    },
    list: async (key) => {
      const paths = [
        "/v1/products?limit=20",
        "/v1/products?tag=no-loss&limit=20",
        "/v1/products?q=loss&limit=10",
        "/v1/products?status=active&order=asc&limit=5",
      ];
      const answer = await send(
        base,
        stats,
        "list",
        key,
        "GET",
        /** @type {string} */ (paths[sequence % paths.length]),
        { paced: false },
      );
      expect("list", answer);
    },
    patch: async (key, lane) => {
      const id = randomLive();
      const mark = `l${lane}_${++sequence}`;
      const answer = await send(base, stats, "patch", key, "PATCH", `/v1/products/${id}`, {
        paced: false,
        body: { props: { [mark]: sequence }, description: `Patched by lane ${lane}` },
        headers: { "Content-Type": "application/merge-patch+json" },
      });
      expect("patch", answer, id);
      if (answer.status === 200) {
        // one of this phase's creates
        const product = /** @type {{ patches: Set<string>, delta: number, writes: number }} */ (
          products.get(id)
        );
        product.patches.add(mark);
        product.writes += 1;
        if (/** @type {ApiProduct} */ (answer.body).props?.[mark] === undefined) {
          unexpected.push({ type: "patch", id, status: 200, body: `the answer lacks props.${mark}` });
        }
      }
    },
    adjust: async (key) => {
      const id = randomLive();
      const delta =
        Math.random() < 0.5 ? -(1 + Math.floor(Math.random() * 5)) : 1 + Math.floor(Math.random() * 5);
      const answer = await send(
        base,
        stats,
        "adjust",
        key,
        "POST",
        `/v1/products/${id}/inventory_adjustments`,
        {
          paced: false,
          body: { delta, reason: "no-loss bench" },
        },
      );
      expect("adjust", answer, id);
      if (answer.status === 200) {
        const product = /** @type {{ patches: Set<string>, delta: number, writes: number }} */ (
          products.get(id)
        );
        product.delta += delta;
        product.writes += 1;
      }
    },
    delete: async (key) => {
      const id = randomLive();
      removeLive(id);
      pendingDelete.add(id);
      const answer = await send(base, stats, "delete", key, "DELETE", `/v1/products/${id}`, { paced: false });
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
      const answer = await send(base, stats, "storefront-get", key, "GET", `/v1/storefront/products/${id}`, {
        paced: false,
        headers: { "Accept-Language": "de-DE, de;q=0.9, en;q=0.5", Origin: ORIGIN },
      });
      expect("storefront-get", answer, id);
    },
    "storefront-list": async (key) => {
      const answer = await send(
        base,
        stats,
        "storefront-list",
        key,
        "GET",
        "/v1/storefront/products?limit=20",
        {
          paced: false,
          headers: { "Accept-Language": "de-DE, de;q=0.9, en;q=0.5", Origin: ORIGIN },
        },
      );
      expect("storefront-list", answer);
    },
  };
  const needsProduct = new Set(["get", "patch", "adjust", "delete", "storefront-get"]);
  /** @param {Record<string, number>} weights op → weight */
  const weighted = (weights) => {
    const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
    return () => {
      let roll = Math.random() * total;
      for (const [name, weight] of Object.entries(weights)) {
        roll -= weight;
        if (roll < 0) return name;
      }
      return /** @type {string} */ (Object.keys(weights)[0]);
    };
  };
  const secretPick = weighted({ create: 20, get: 25, list: 10, patch: 20, adjust: 10, delete: 15 });
  const storefrontPick = weighted({ "storefront-get": 70, "storefront-list": 30 });

  const storefrontRate = rate * STOREFRONT_SHARE;
  const secretRate = rate - storefrontRate;
  const secretLanes = Math.min(secretKeys.length, Math.max(1, Math.ceil(secretRate / 8)));
  const storefrontLanes = Math.min(publishableKeys.length, Math.max(1, Math.ceil(storefrontRate / 8)));
  const secretInterval = (secretLanes * 1000) / secretRate;
  const storefrontInterval = (storefrontLanes * 1000) / storefrontRate;
  if (secretInterval < KEY_INTERVAL_MS || storefrontInterval < KEY_INTERVAL_MS) {
    throw new Error(`--rate ${rate} needs more keys than this bench makes (at most 8.5 requests/s per key)`);
  }
  const lanes = [
    ...secretKeys.slice(0, secretLanes).map((key) => ({ key, pick: secretPick, interval: secretInterval })),
    ...publishableKeys
      .slice(0, storefrontLanes)
      .map((key) => ({ key, pick: storefrontPick, interval: storefrontInterval })),
  ];
  progress(
    `phase 3: ${seconds} s at ${rate} requests/s: ${secretLanes} secret-key lanes every ${secretInterval.toFixed(0)} ms, ` +
      `${storefrontLanes} storefront lanes every ${storefrontInterval.toFixed(0)} ms`,
  );
  const started = performance.now();
  const endAt = Date.now() + seconds * 1000;
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
      /** @type {Set<Promise<void>>} */
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
        /** @type {Promise<void>} */
        const running = /** @type {NonNullable<(typeof ops)[string]>} */ (ops[op])(key, lane).finally(() =>
          inFlight.delete(running),
        );
        inFlight.add(running);
      }
      await Promise.all(inFlight);
      key.pacer.intervalMs = KEY_INTERVAL_MS;
    }),
  );
  clearInterval(ticker);
  const elapsed = (performance.now() - started) / 1000;

  check("phase 3: no 5xx", stats.serverErrors.length === 0, `${stats.serverErrors.length} 5xx`);
  check(
    "phase 3: every answer as expected (no 404 for a product never deleted)",
    unexpected.length === 0,
    `${unexpected.length} unexpected`,
  );
  return {
    live: new Set(live),
    products,
    stats,
    seconds,
    rate,
    elapsed,
    lanes: {
      secret: secretLanes,
      secretInterval,
      storefront: storefrontLanes,
      storefrontInterval,
      maxInFlight: LANE_MAX_IN_FLIGHT,
      lateStarts,
    },
    counts: { created: creates, deleted: deletes, left: live.length, pendingDeletes: pendingDelete.size },
    unexpected,
  };
}

/**
 * After phase 3: every live product has each acknowledged patch and adjustment, once.
 * @param {Run} run
 * @param {ApiProduct[]} listed
 * @param {Awaited<ReturnType<typeof phase3>>} phase3Result
 */
export function auditWrites(run, listed, phase3Result) {
  const byId = new Map(listed.map((product) => [product.id, product]));
  /** @type {string[]} */
  const lostPatches = [];
  /** @type {string[]} */
  const wrongQuantity = [];
  /** @type {string[]} */
  const wrongVersion = [];
  let patches = 0;
  let adjusted = 0;
  for (const id of phase3Result.live) {
    const product = byId.get(id);
    // every live id is one of phase 3's creates
    const expected = /** @type {{ patches: Set<string>, delta: number, writes: number }} */ (
      phase3Result.products.get(id)
    );
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
  run.check(
    "phase 3: every acknowledged PATCH is in its product's props",
    lostPatches.length === 0,
    lostPatches.slice(0, 5).join("; "),
  );
  run.check(
    "phase 3: every quantity is 1000 plus its acknowledged adjustments",
    wrongQuantity.length === 0,
    wrongQuantity.slice(0, 5).join("; "),
  );
  run.check(
    "phase 3: every version is 1 plus its acknowledged writes",
    wrongVersion.length === 0,
    wrongVersion.slice(0, 5).join("; "),
  );
  return { checked: phase3Result.live.size, patches, adjusted };
}

/**
 * The checks over every phase (setup and audits included): no 5xx, no 429, no connection error.
 * @param {Check} check
 * @param {Stats[]} allStats
 * @returns {{ serverErrors: Seen[], rateLimited: Seen[], networkErrors: Seen[] }}
 */
export function overallChecks(check, allStats) {
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
  return { serverErrors, rateLimited, networkErrors };
}
