// The floor of an authenticated read: a bare Worker doing what any GET of ours must, one rate-limit
// call and one D1 point read of a row the size of a product, under its own workerd (which also
// answers a bare hello, the runtime's own cost; the floor as one @hono/zod-openapi route, the
// framework's; the floor reading our products row, the row shape's; and the contract's work for a
// keyed GET and for a list page in plain code, our stack's). Run beside the Worker in interleaved
// rounds (hello, floor, floor-zod-openapi, floor-row, floor-contract, floor-contract-list,
// get-by-id, storefront-get, list, …), it says how far each
// read is from what the platform itself costs: as a ratio of the floor's rps, and as the CPU time
// workerd spent per request (from /proc, the process's user + system time over the run).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { runScenario } from "./load.mjs";
import { UNLIMITED } from "./worker.mjs";

/**
 * @import { Scenario, ScenarioResult } from "./load.mjs"
 * @import { D1, WranglerConfig } from "./worker.mjs"
 */

/** The floor Worker (bench/lib/floor-worker.mjs) as one ES module. */
export async function floorScript() {
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL("./floor-worker.mjs", import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    minify: true,
    write: false,
  });
  return /** @type {{ text: string }} */ (outputFiles[0]).text;
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * Every process now, by pid: its name, its parent and the CPU seconds (user + system) it has used.
 * @returns {Map<number, { name: string, parent: number, cpu: number }>}
 */
function processes() {
  const table = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      table.set(Number(entry), {
        name: stat.slice(stat.indexOf("(") + 1, close),
        parent: Number(fields[1]),
        cpu: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S,
      });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** The pids of the workerd processes this Node process started. */
function workerdChildren() {
  const pids = new Set();
  for (const [pid, { name, parent }] of processes()) {
    if (name === "workerd" && parent === process.pid) pids.add(pid);
  }
  return pids;
}

/**
 * The CPU seconds (user + system) a process and its descendants have used so far (a workerd has
 * none; `wrangler dev` has its workerd and esbuild's watcher); NaN when `pid` cannot be read.
 * @param {number | undefined} pid
 */
export function cpuSeconds(pid) {
  if (pid === undefined) return Number.NaN;
  const table = processes();
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = /** @type {number} */ (pending.pop());
    total += table.get(next)?.cpu ?? Number.NaN;
    for (const [child, { parent }] of table) if (parent === next) pending.push(child);
  }
  return total;
}

/**
 * Runs `start` and returns what it started with the pid of the one workerd it spawned.
 * @template T
 * @param {() => Promise<T>} start
 * @returns {Promise<{ started: T, pid: number }>}
 */
export async function withWorkerdPid(start) {
  const before = workerdChildren();
  const started = await start();
  const spawned = [...workerdChildren()].filter((pid) => !before.has(pid));
  if (spawned.length !== 1) throw new Error(`expected one new workerd process, found ${spawned.length}`);
  return { started, pid: /** @type {number} */ (spawned[0]) };
}

/**
 * What the floor Worker's D1 holds: `answers`, every id with the JSON our GET answers for one of the
 * first 100 of them; `productRows`, our products table itself (its CREATE TABLE and every row, as
 * our D1 has them) for the floors that read a row of our shape; and the key of `org` by its hash,
 * for the floor that does the contract's work.
 * @typedef {{
 *   org: { orgId: string, keyId: string, key: string },
 *   answers: [string, string][],
 *   productRows: { create: string, rows: Record<string, unknown>[] },
 * }} FloorData
 */

/**
 * @param {{ url: string, db: D1 }} worker our Worker and its D1
 * @param {FloorData["org"]} org the org that has `ids`, and a secret key of it
 * @param {string[]} ids
 * @returns {Promise<FloorData>}
 */
export async function floorData(worker, org, ids) {
  const { key } = org;
  /** @type {string[]} */
  const bodies = [];
  for (const id of ids.slice(0, 100)) {
    const response = await fetch(`${worker.url}/v1/products/${id}`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    if (!response.ok) throw new Error(`floor: GET /v1/products/${id} → ${response.status}`);
    bodies.push(await response.text());
  }
  const table = await worker.db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'products'")
    .first();
  const { results } = await worker.db.prepare("SELECT * FROM products").all();
  return {
    org,
    answers: ids.map((id, i) => [id, /** @type {string} */ (bodies[i % bodies.length])]),
    productRows: { create: String(table?.sql), rows: /** @type {Record<string, unknown>[]} */ (results) },
  };
}

/**
 * Starts the floor Worker with a D1 holding `data`: the answers in `products` (id, body), our
 * products table as `product_rows`.
 * @param {WranglerConfig} config
 * @param {string} persistDir
 * @param {FloorData} data
 * @param {number} [inspectorPort] workerd's V8 inspector on 127.0.0.1 (0: a free port), for a profile
 */
export async function startFloor(config, persistDir, data, inspectorPort) {
  const script = await floorScript();
  const { started: mf, pid } = await withWorkerdPid(async () => {
    const instance = new Miniflare(
      convertV4MiniflareOptions({
        host: "127.0.0.1",
        port: 0,
        modules: true,
        script,
        compatibilityDate: config.compatibilityDate,
        compatibilityFlags: config.compatibilityFlags,
        d1Databases: { DB: "floor" },
        bindings: { ORG_ID: data.org.orgId },
        ratelimits: { RATE_LIMITER: { namespace_id: "9001", simple: { limit: UNLIMITED, period: 10 } } },
        resourcePersistencePath: persistDir,
        cf: false,
        // floor-contract's line per request is written, as ours is, and not echoed (startWorker).
        handleStructuredLogs: ({ level, message }) => {
          if (!message.includes('"event":"request"')) process.stderr.write(`[floor ${level}] ${message}\n`);
        },
        telemetry: { enabled: false },
        inspectorPort,
      }),
    );
    await instance.ready;
    return instance;
  });
  const url = (await mf.ready).origin;
  const db = await mf.getD1Database("DB");
  await db.exec("CREATE TABLE products (id TEXT PRIMARY KEY, body TEXT NOT NULL)");
  for (let i = 0; i < data.answers.length; i += 500) {
    const chunk = data.answers.slice(i, i + 500);
    await db.batch(
      chunk.map(([id, body]) => db.prepare("INSERT INTO products VALUES (?, ?)").bind(id, body)),
    );
  }
  await db.exec(
    "CREATE TABLE floor_keys (key_hash TEXT PRIMARY KEY, id TEXT NOT NULL, org_id TEXT NOT NULL)",
  );
  const keyHash = createHash("sha256").update(data.org.key).digest("hex");
  await db
    .prepare("INSERT INTO floor_keys VALUES (?, ?, ?)")
    .bind(keyHash, data.org.keyId, data.org.orgId)
    .run();
  const { create, rows } = data.productRows;
  await db.prepare(create.replace(/^CREATE TABLE [`"]?products[`"]?/, "CREATE TABLE product_rows")).run();
  await db.exec("CREATE UNIQUE INDEX product_rows_id ON product_rows (id)");
  await db.exec("CREATE INDEX product_rows_org_id ON product_rows (org_id, id)");
  const columns = Object.keys(rows[0] ?? {});
  const insert = `INSERT INTO product_rows (${columns.map((column) => `"${column}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += 100) {
    const chunk = rows.slice(i, i + 100);
    await db.batch(chunk.map((row) => db.prepare(insert).bind(...columns.map((column) => row[column]))));
  }
  return { mf, url, pid };
}

/**
 * Throws unless the floor's plain-code answers are ours, byte for byte (the origin aside, which the
 * image URLs carry): a product by id and the first list page, both under `key`. So the contract
 * floors measure the work our answers need, not less.
 * @param {string} floorUrl
 * @param {string} workerUrl
 * @param {string} key
 * @param {string} id
 */
export async function checkContractAnswers(floorUrl, workerUrl, key, id) {
  const pairs = [
    [`/contract/products/${id}`, `/v1/products/${id}`],
    ["/contract/products", "/v1/products?limit=20"],
  ];
  for (const [floorPath, workerPath] of pairs) {
    const answers = await Promise.all(
      [`${floorUrl}${floorPath}`, `${workerUrl}${workerPath}`].map(async (url) => {
        const response = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
        return { status: response.status, text: await response.text() };
      }),
    );
    const [floor, worker] =
      /** @type {[{ status: number, text: string }, { status: number, text: string }]} */ (answers);
    if (
      floor.status !== 200 ||
      worker.status !== 200 ||
      floor.text !== worker.text.replaceAll(workerUrl, floorUrl)
    ) {
      throw new Error(
        `floor: ${floorPath} (${floor.status}, ${floor.text.length} bytes) does not answer what ${workerPath} does (${worker.status}, ${worker.text.length} bytes)`,
      );
    }
  }
}

/**
 * One measured run: warmed up apart, then `duration` seconds with the CPU workerd spent on it.
 * @param {string} base
 * @param {Scenario} scenario
 * @param {number} pid
 * @param {{ duration: number, connections: number, warmup: number }} opts
 */
async function measured(base, scenario, pid, opts) {
  if (opts.warmup > 0) await runScenario(base, scenario, { ...opts, duration: opts.warmup, warmup: 0 });
  const cpuBefore = cpuSeconds(pid);
  const result = await runScenario(base, scenario, { ...opts, warmup: 0 });
  const cpu = cpuSeconds(pid) - cpuBefore;
  return { result, cpuMsPerRequest: result.requests > 0 ? (cpu * 1000) / result.requests : null };
}

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? /** @type {number} */ (sorted[mid])
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/**
 * The floor Worker's six answers, in the order a round runs them: a bare hello, the floor, the
 * floor as one @hono/zod-openapi route, the floor reading a row of our products table, and the
 * contract's work in plain code with `key`, for a GET and for a list page (the point reads go
 * through `floorIds` one id after another).
 * @param {string[]} floorIds the floor's row ids
 * @param {string} key the secret key whose hash the floor's D1 holds
 * @returns {Scenario[]}
 */
export function floorScenarios(floorIds, key) {
  let next = 0;
  /** @returns {Scenario} */
  const pointReads = (
    /** @type {string} */ name,
    /** @type {string} */ prefix,
    /** @type {string} */ label,
    /** @type {Record<string, string>} */ headers = {},
  ) => ({
    name,
    path: `${prefix}/products/${floorIds[0]}`,
    label,
    headers,
    setup: (req) => ({ ...req, path: `${prefix}/products/${floorIds[next++ % floorIds.length]}` }),
  });
  return [
    { name: "hello", path: "/hello", label: "a bare Worker answering hello" },
    pointReads("floor", "", "the floor: one limiter call, one D1 point read"),
    pointReads("floor-zod-openapi", "/framework", "the floor as one @hono/zod-openapi route"),
    pointReads("floor-row", "/rows", "the floor reading our products row (every column) instead"),
    pointReads("floor-contract", "/contract", "the contract's work for a keyed GET in plain code", {
      Authorization: `Bearer ${key}`,
    }),
    {
      name: "floor-contract-list",
      path: "/contract/products",
      label: "the contract's work for a list page (limit=20) in plain code",
      headers: { Authorization: `Bearer ${key}` },
    },
  ];
}

/**
 * `rounds` rounds of the floor then each of the Worker's `reads`, one after another; per scenario
 * the median rps and CPU per request, and both as a ratio of the floor's; and the ratio of each
 * round's rps to the floor's in that round, its median and range (`paired_ratio`, `paired_range`);
 * then each of our reads side by side with the floor and with its plain-code twin (`side_by_side`).
 * @param {{ url: string, pid: number }} floor
 * @param {{ url: string, pid: number }} worker
 * @param {Scenario[]} reads
 * @param {{ duration: number, connections: number, warmup: number }} opts
 * @param {number} rounds
 * @param {string[]} floorIds the floor's row ids, requested in turn
 * @param {string} key the secret key floor-contract sends
 */
export async function floorRounds(floor, worker, reads, opts, rounds, floorIds, key) {
  /** @type {Map<string, { request: string, rps: number[], cpu: number[] }>} */
  const runs = new Map();
  const record = (/** @type {ScenarioResult} */ result, /** @type {number | null} */ cpu) => {
    const entry = runs.get(result.scenario) ?? { request: result.request, rps: [], cpu: [] };
    entry.rps.push(result.rps ?? 0);
    if (cpu !== null) entry.cpu.push(cpu);
    runs.set(result.scenario, entry);
  };
  /** Each round: the floor Worker's five answers, then the Worker's reads, in this order. */
  const order = [
    ...floorScenarios(floorIds, key).map((scenario) => ({ scenario, at: floor })),
    ...reads.map((scenario) => ({ scenario, at: worker })),
  ];
  for (let round = 0; round < rounds; round++) {
    for (const { scenario, at } of order) {
      const run = await measured(at.url, scenario, at.pid, opts);
      if (run.result.ok === 0) throw new Error(`${scenario.name}: no successful response under load`);
      record(run.result, run.cpuMsPerRequest);
    }
  }
  const sideBySide = await sideBySideRounds(floor, worker, reads, opts, rounds, order);
  const floorRpsRounds = runs.get("floor")?.rps ?? [];
  const floorRps = median(floorRpsRounds);
  const floorCpu = median(runs.get("floor")?.cpu ?? []);
  return {
    rounds,
    scenarios: [...runs].map(([scenario, { request, rps, cpu }]) => {
      // Each round's rps over the floor's in the same round: a slow drift of the machine moves both.
      const paired = rps.map((value, round) => value / (floorRpsRounds[round] ?? Number.NaN));
      return {
        scenario,
        request,
        rps: Number(median(rps).toFixed(1)),
        cpu_ms: Number(median(cpu).toFixed(3)),
        ratio: Number((median(rps) / floorRps).toFixed(3)),
        cpu_ratio: Number((median(cpu) / floorCpu).toFixed(3)),
        rps_rounds: rps,
        paired_ratio: Number(median(paired).toFixed(3)),
        paired_range: [Number(Math.min(...paired).toFixed(3)), Number(Math.max(...paired).toFixed(3))],
      };
    }),
    side_by_side: sideBySide,
  };
}

/**
 * What each of our reads is loaded beside: the floor (the goal's measure), and its twin in plain
 * code in the floor Worker (bench/lib/floor-worker.mjs) where it has one.
 */
const BESIDE = {
  "get-by-id": ["floor", "floor-contract"],
  "storefront-get": ["floor"],
  list: ["floor", "floor-contract-list"],
};

/**
 * Each of our reads loaded at the same time as each of its BESIDE (half the connections each),
 * `rounds` times: two runs side by side share the machine's moment (another VM's load, the CPU's
 * clock), which two runs 3 s apart do not, so the CPU each workerd spends a request compares
 * within a few per cent where the interleaved rounds swing by ±25 %. workerd runs a Worker on one
 * thread, so its rps under load is the inverse of that CPU.
 * `cpu_ratio`: the other's CPU per request over ours, median of the rounds (0.95: ours costs 1/0.95
 * of it; beside the floor, the goal's ratio); `rps_ratio`: ours rps over the other's in the same rounds.
 * @param {{ url: string, pid: number }} floor
 * @param {{ url: string, pid: number }} worker
 * @param {Scenario[]} reads
 * @param {{ duration: number, connections: number, warmup: number }} opts
 * @param {number} rounds
 * @param {{ scenario: Scenario }[]} order the interleaved rounds' scenarios (the floor's among them)
 */
async function sideBySideRounds(floor, worker, reads, opts, rounds, order) {
  const half = { ...opts, connections: Math.max(1, Math.round(opts.connections / 2)) };
  const pairs = [];
  for (const ours of reads) {
    for (const name of BESIDE[/** @type {keyof BESIDE} */ (ours.name)] ?? []) {
      const other = order.find(({ scenario }) => scenario.name === name)?.scenario;
      if (!other) continue;
      /** @type {{ cpu: number, otherCpu: number, rps: number, otherRps: number }[]} */
      const runs = [];
      for (let round = 0; round < rounds; round++) {
        const [mine, theirs] = await Promise.all([
          measured(worker.url, ours, worker.pid, half),
          measured(floor.url, other, floor.pid, half),
        ]);
        if (mine.result.ok === 0 || theirs.result.ok === 0)
          throw new Error(`${ours.name} beside ${name}: no successful response`);
        runs.push({
          cpu: mine.cpuMsPerRequest ?? Number.NaN,
          otherCpu: theirs.cpuMsPerRequest ?? Number.NaN,
          rps: mine.result.rps ?? 0,
          otherRps: theirs.result.rps ?? 0,
        });
      }
      const cpuRatios = runs.map((run) => run.otherCpu / run.cpu);
      pairs.push({
        scenario: ours.name,
        beside: name,
        cpu_ms: Number(median(runs.map((run) => run.cpu)).toFixed(3)),
        beside_cpu_ms: Number(median(runs.map((run) => run.otherCpu)).toFixed(3)),
        cpu_ratio: Number(median(cpuRatios).toFixed(3)),
        cpu_range: [Number(Math.min(...cpuRatios).toFixed(3)), Number(Math.max(...cpuRatios).toFixed(3))],
        rps_ratio: Number(median(runs.map((run) => run.rps / run.otherRps)).toFixed(3)),
      });
    }
  }
  return pairs;
}

/** @typedef {Awaited<ReturnType<typeof floorRounds>>} FloorFigures */
