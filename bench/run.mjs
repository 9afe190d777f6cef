// npm run bench [-- --quick]: load-tests the Worker under local workerd (Miniflare) at several
// catalogue sizes, compares it with a minimal Fastify + node:sqlite peer, measures the bundle, and
// writes bench/results.json. See bench/README.md.
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleSize, startupTime } from "./lib/bundle.mjs";
import { COMMON_TAG, products, RICH_COUNT, RICH_TAG, SEARCH_WORD } from "./lib/catalog.mjs";
import { startDev, writeFloorConfig, writeUnlimitedConfig } from "./lib/dev.mjs";
import {
  checkContractAnswers,
  floorData,
  floorRounds,
  floorScript,
  startFloor,
  withWorkerdPid,
} from "./lib/floor.mjs";
import { startImageOrigin } from "./lib/image-origin.mjs";
import { runScenario } from "./lib/load.mjs";
import { ROOT, releaseOnSignal } from "./lib/proc.mjs";
import { fixed, int, seconds } from "./lib/report.mjs";
import { analyse, render, renderFloor, sizeLabel, summary } from "./lib/results.mjs";
import { createRichProducts, createStockProduct, scenarios, uploadImage } from "./lib/scenarios.mjs";
import {
  applyMigrations,
  buildBundle,
  createOrgAndKey,
  readWranglerConfig,
  seedD1,
  startWorker,
} from "./lib/worker.mjs";

/**
 * @import { Scenario, ScenarioContext } from "./lib/load.mjs"
 * @import { BenchResults, PeerFigures, SizeResult, WorkerFigures } from "./lib/results.mjs"
 * @import { D1, WranglerConfig } from "./lib/worker.mjs"
 * @import { PeerConfig } from "./peer/server.mjs"
 * @import { FloorFigures } from "./lib/floor.mjs"
 */
/** @typedef {{ duration: number, connections: number, warmup: number }} LoadOptions seconds, connections, seconds */
/**
 * What every size is run with (main, for benchSize).
 * @typedef {object} Context
 * @property {string} tmp
 * @property {WranglerConfig} config
 * @property {{ bundleFile: string, bundleDir: string }} bundle
 * @property {Awaited<ReturnType<typeof startImageOrigin>>} imageOrigin
 * @property {number} baseTime
 * @property {LoadOptions} opts
 * @property {number} floor rounds against the floor Worker at this size (0: none)
 * @property {boolean} floorOnly nothing but those rounds (--floor)
 * @property {boolean} dev those rounds under `wrangler dev` rather than Miniflare (--dev)
 */

const PEER = fileURLToPath(new URL("./peer/server.mjs", import.meta.url));
const RESULTS = fileURLToPath(new URL("./results.json", import.meta.url));
const SEED = 20261123;

const USAGE = `usage: npm run bench [-- --quick] [-- --floor [--dev]]
  --quick            sizes 1000,10000 and 2 s per scenario
  --floor            only the rounds against the floor Worker, at the first size (paired runs)
  --dev              with --floor: both Workers under \`wrangler dev\` (a developer's frame) instead of Miniflare
env: BENCH_SIZES=1000,100000  BENCH_DURATION=5 (s)  BENCH_CONNECTIONS=10  BENCH_WARMUP=1 (s)
     BENCH_FLOOR_ROUNDS=6 (3 with --quick; 0: no floor)
     BENCH_FLOOR_READS=get-by-id,storefront-get,list (the Worker's scenarios in the floor's rounds)`;

/** @param {string} message */
const usage = (message) => Object.assign(new Error(message), { usage: true });

function options() {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknown = args.filter((arg) => arg !== "--quick" && arg !== "--floor" && arg !== "--dev");
  if (unknown.length > 0) throw usage(`unknown argument ${unknown.join(" ")}\n${USAGE}`);
  if (args.includes("--dev") && !args.includes("--floor")) throw usage(`--dev goes with --floor\n${USAGE}`);
  const quick = args.includes("--quick");
  /**
   * @param {string} name
   * @param {number} fallback
   * @param {{ zero?: boolean }} [options]
   */
  const number = (name, fallback, { zero = false } = {}) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero)) {
      throw usage(`${name} must be a ${zero ? "non-negative" : "positive"} number`);
    }
    return value;
  };
  const sizes = (process.env.BENCH_SIZES ?? (quick ? "1000,10000" : "1000,100000"))
    .split(",")
    .map((size) => Number(size.trim()));
  // below ~1000 products the search word may match nothing, and a page of 20 filtered products may not exist
  if (sizes.some((size) => !Number.isInteger(size) || size < 1000)) {
    throw usage("BENCH_SIZES must be integers ≥ 1000, comma-separated");
  }
  return {
    mode: quick ? "quick" : "default",
    floorOnly: args.includes("--floor"),
    dev: args.includes("--dev"),
    sizes,
    duration: number("BENCH_DURATION", quick ? 2 : 5),
    connections: Math.round(number("BENCH_CONNECTIONS", 10)),
    warmup: number("BENCH_WARMUP", quick ? 0.5 : 1, { zero: true }),
    floorRounds: Math.round(number("BENCH_FLOOR_ROUNDS", quick ? 3 : 6, { zero: true })),
  };
}

/** @param {string} message */
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

/**
 * One request like the scenario's, checked: the right status and a body that makes sense.
 * @param {string} stack
 * @param {string} base
 * @param {Scenario} scenario
 */
async function probe(stack, base, scenario) {
  const request = {
    method: scenario.method ?? "GET",
    path: scenario.path,
    headers: { ...scenario.headers },
    body: scenario.body,
  };
  /** @type {ScenarioContext} */
  const context = {};
  const built = scenario.setup ? scenario.setup(request, context) : request;
  const response = await fetch(`${base}${built.path}`, {
    method: built.method,
    headers: built.headers,
    body: built.body,
  });
  const text = await response.text();
  const headers = Object.fromEntries(response.headers);
  scenario.onResponse?.(response.status, headers, context);
  /** @type {(why: string) => never} */
  const fail = (why) => {
    throw new Error(
      `${stack} ${scenario.name}: ${built.method} ${built.path} → ${response.status} ${why}: ${text.slice(0, 400)}`,
    );
  };
  if (
    scenario.probeStatus === undefined
      ? response.status < 200 || response.status > 299
      : response.status !== scenario.probeStatus
  ) {
    fail(`is not ${scenario.probeStatus ?? "2xx"}`);
  }
  if (scenario.expect) {
    /** @type {unknown} */
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      fail("is not JSON");
    }
    if (!scenario.expect(body)) fail("has an unexpected body");
  }
  if (stack === "worker" && !scenario.noDb && !/rows_read=/.test(headers["server-timing"] ?? "")) {
    log(`warning: ${scenario.name} answered without a Server-Timing db entry`);
  }
}

/**
 * @param {string} stack
 * @param {string} base
 * @param {Scenario[]} list
 * @param {LoadOptions} opts
 */
async function drive(stack, base, list, opts) {
  const results = [];
  for (const scenario of list) {
    // set-up the scenarios before this one must not see (get-rich's products)
    await scenario.prepare?.();
    await probe(stack, base, scenario);
    const result = await runScenario(base, scenario, opts);
    if (result.ok === 0) throw new Error(`${stack} ${scenario.name}: no successful response under load`);
    log(
      `${stack} ${scenario.name}: ${fixed(result.rps, 0)} rps, p50 ${fixed(result.latency_ms.p50)} ms, errors ${result.errors}`,
    );
    results.push(result);
  }
  return results;
}

/** @param {string} base */
async function measureFirstRequest(base) {
  const time = async () => {
    const started = performance.now();
    const response = await fetch(`${base}/health`);
    await response.arrayBuffer();
    return performance.now() - started;
  };
  const first = await time();
  const warm = [];
  for (let i = 0; i < 20; i++) warm.push(await time());
  warm.sort((a, b) => a - b);
  return {
    first_request_ms: Number(first.toFixed(2)),
    warm_request_ms: Number(/** @type {number} */ (warm[10]).toFixed(2)),
  };
}

/** @param {PeerConfig} config */
async function startPeer(config) {
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", PEER, JSON.stringify(config)],
    {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const killNow = () => child.kill("SIGKILL");
  atExit.add(killNow);
  child.once("exit", () => atExit.delete(killNow));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    // the peer's first line: {"ready":true,"port":…,"seed_ms":…}
    const ready = await /** @type {Promise<{ port: number, seed_ms: number }>} */ (
      new Promise((resolve, reject) => {
        let buffer = "";
        const timer = setTimeout(() => reject(new Error("the peer did not start within 180 s")), 180_000);
        child.stdout.on("data", (chunk) => {
          buffer += chunk;
          const end = buffer.indexOf("\n");
          if (end < 0) return;
          clearTimeout(timer);
          try {
            resolve(JSON.parse(buffer.slice(0, end)));
          } catch (error) {
            reject(error);
          }
        });
        child.once("exit", (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the peer exited (${code ?? signal}) before it was ready`));
        });
      })
    );
    return { url: `http://127.0.0.1:${ready.port}`, seedMs: ready.seed_ms, stop, pid: child.pid };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Resources to release, newest first, on success, failure or a signal.
 * @type {(() => unknown)[]}
 */
const cleanups = [];
/**
 * Synchronous last resorts, run on process exit: Miniflare's own exit hook may end the process on
 * SIGINT before the orderly release above is done (it kills workerd itself).
 * @type {Set<() => void>}
 */
const atExit = new Set();
process.on("exit", () => {
  for (const release of atExit) {
    try {
      release();
    } catch {
      // best effort
    }
  }
});
async function releaseAll() {
  while (cleanups.length > 0) {
    const release = /** @type {() => unknown} */ (cleanups.pop());
    try {
      await release();
    } catch (error) {
      log(`cleanup failed: ${/** @type {Error} */ (error).message}`);
    }
  }
}
/**
 * Runs `body` with `resource`, then `stop`s it (once, also on a signal meanwhile).
 * @template R, T
 * @param {R} resource
 * @param {() => unknown} stop
 * @param {(resource: R) => Promise<T>} body
 * @returns {Promise<T>}
 */
async function using(resource, stop, body) {
  /** @type {Promise<unknown> | undefined} */
  let released;
  const release = () => {
    released ??= Promise.resolve().then(stop);
    return released;
  };
  cleanups.push(release);
  try {
    return await body(resource);
  } finally {
    const index = cleanups.indexOf(release);
    if (index >= 0) cleanups.splice(index, 1);
    await release();
  }
}

/** The reads measured against the floor (BENCH_FLOOR_READS: any scenarios, by name). */
const FLOOR_READS = process.env.BENCH_FLOOR_READS?.split(",") ?? ["get-by-id", "storefront-get", "list"];

/**
 * The floor Worker under Miniflare; with --dev, seeded by Miniflare and then run by `wrangler dev`.
 * @param {Context} ctx
 * @param {string} persistDir
 * @param {import("./lib/floor.mjs").FloorData} data
 */
async function startFloorFor(ctx, persistDir, data) {
  if (!ctx.dev) {
    const started = await startFloor(ctx.config, persistDir, data);
    return { ...started, stop: () => started.mf.dispose() };
  }
  const seeding = await startFloor(ctx.config, join(persistDir, "v3"), data);
  await seeding.mf.dispose();
  const configFile = writeFloorConfig(persistDir, await floorScript(), ctx.config, data.org.orgId);
  return startDev({ configFile, persistDir, probe: "/hello" });
}

/**
 * The floor Worker (bench/lib/floor.mjs) beside ours: its D1 holds every seeded id with the JSON
 * our GET answers for one of the first 100, and a copy of our products table; then FLOOR_ROUNDS
 * interleaved rounds. With --dev both run under `wrangler dev` (bench/lib/dev.mjs), the floor's D1
 * seeded first by Miniflare.
 * @param {Context} ctx
 * @param {string} dir
 * @param {import("./lib/floor.mjs").FloorData} data
 * @param {{ url: string, pid: number }} worker
 * @param {Scenario[]} workerScenarios
 */
async function benchFloor(ctx, dir, data, worker, workerScenarios) {
  const persistDir = join(dir, "floor");
  mkdirSync(persistDir, { recursive: true });
  log(
    `floor: starting the floor Worker${ctx.dev ? " under wrangler dev" : ""} (${data.answers.length.toLocaleString("en-US")} rows of ~${data.answers[0]?.[1].length} bytes)`,
  );
  const floor = await startFloorFor(ctx, persistDir, data);
  return using(floor, floor.stop, async () => {
    const reads = FLOOR_READS.map((name) => {
      const scenario = workerScenarios.find((candidate) => candidate.name === name);
      if (!scenario) throw new Error(`floor: no scenario ${name}`);
      return scenario;
    });
    for (const scenario of reads) {
      await scenario.prepare?.();
      await probe("worker", worker.url, scenario);
    }
    await checkContractAnswers(
      floor.url,
      worker.url,
      data.org.key,
      /** @type {string} */ (data.answers[0]?.[0]),
    );
    log("floor: floor-contract and floor-contract-list answer what our GET and list page do, byte for byte");
    const figures = await floorRounds(
      floor,
      worker,
      reads,
      ctx.opts,
      ctx.floor,
      data.answers.map(([id]) => id),
      data.org.key,
    );
    for (const row of figures.scenarios) {
      log(
        `floor ${row.scenario}: ${fixed(row.rps, 0)} rps (${fixed(row.ratio, 2)} × floor), ${fixed(row.cpu_ms, 2)} CPU ms/request`,
      );
    }
    return figures;
  });
}

/**
 * Our Worker under `wrangler dev` on the persistence Miniflare seeded (wrangler.toml with unlimited
 * rate limits, as under Miniflare), for the floor's rounds (--dev).
 * @param {Context} ctx
 * @param {string} dir
 * @param {string} persistDir
 * @param {import("./lib/floor.mjs").FloorData} data
 * @param {(url: string) => Scenario[]} scenariosAt the Worker's scenarios against its url
 */
async function benchFloorDev(ctx, dir, persistDir, data, scenariosAt) {
  log("floor: starting the Worker under wrangler dev");
  const config = writeUnlimitedConfig();
  atExit.add(config.remove);
  try {
    const worker = await startDev({
      configFile: config.file,
      persistDir,
      // wrangler.toml requires it; the org and key were made through Miniflare
      vars: { ADMIN_TOKEN: randomBytes(24).toString("hex") },
    });
    return await using(worker, worker.stop, () =>
      benchFloor(ctx, dir, data, worker, scenariosAt(worker.url)),
    );
  } finally {
    config.remove();
    atExit.delete(config.remove);
  }
}

/**
 * @param {number} size
 * @param {Context} ctx
 * @returns {Promise<SizeResult>}
 */
async function benchSize(size, ctx) {
  const dir = join(ctx.tmp, `size-${size}`);
  const persistDir = join(dir, "persist");
  mkdirSync(persistDir, { recursive: true });
  const adminToken = randomBytes(24).toString("hex");
  // filled in as they are measured
  const out = {
    size,
    worker: /** @type {WorkerFigures} */ ({}),
    peer: /** @type {PeerFigures} */ ({}),
    floor: /** @type {FloorFigures | undefined} */ (undefined),
  };

  log(`${sizeLabel(size)}: starting the Worker (Miniflare, persistence in ${persistDir})`);
  const { started: worker, pid: workerPid } = await withWorkerdPid(() =>
    startWorker({
      ...ctx.bundle,
      // where `wrangler dev --persist-to persistDir` reads it (--dev)
      persistDir: join(persistDir, "v3"),
      config: ctx.config,
      adminToken,
      imageOrigin: ctx.imageOrigin,
    }),
  );
  const shared = await using(
    worker,
    () => worker.mf.dispose(),
    async ({ mf, url, startMs }) => {
      out.worker.start_ms = Number(startMs.toFixed(0));
      Object.assign(out.worker, await measureFirstRequest(url));
      const db = await mf.getD1Database("DB");
      let started = performance.now();
      out.worker.migrations = await applyMigrations(db);
      out.worker.migrate_ms = Number((performance.now() - started).toFixed(0));
      const { orgId, keyId, key, publishableKey } = await createOrgAndKey(url, adminToken);
      started = performance.now();
      log(`${sizeLabel(size)}: seeding ${size.toLocaleString("en-US")} products into D1`);
      const seeded = await seedD1(
        db,
        products({ count: size, seed: SEED, orgId, keyId, baseTime: ctx.baseTime }),
      );
      out.worker.seed_ms = Number(seeded.ms.toFixed(0));
      out.worker.seed_statements = seeded.statements;
      out.worker.seed_rows_per_s = Math.round(size / (seeded.ms / 1000));
      log(`${sizeLabel(size)}: seeded in ${seconds(seeded.ms)} (${int(out.worker.seed_rows_per_s)} rows/s)`);
      const imageId = await uploadImage(url, key, /** @type {string} */ (seeded.ids[0]));
      const stockId = await createStockProduct(url, key);
      // called by get-rich just before it runs
      const createRich = async () => {
        const richStarted = performance.now();
        log(`${sizeLabel(size)}: creating ${RICH_COUNT} rich products through the API`);
        const richIds = await createRichProducts(url, key);
        out.worker.rich_ms = Number((performance.now() - richStarted).toFixed(0));
        log(`${sizeLabel(size)}: rich products created in ${seconds(out.worker.rich_ms)}`);
        return richIds;
      };
      const scenariosAt = (/** @type {string} */ at) =>
        scenarios("worker", {
          ids: seeded.ids,
          key,
          publishableKey,
          url: at,
          imageId,
          stockId,
          imageUrls: ctx.imageOrigin.urls,
          createRich,
        });
      const workerScenarios = scenariosAt(url);
      const floor = ctx.floor ? await floorData({ url, db }, { orgId, keyId, key }, seeded.ids) : undefined;
      if (floor && !ctx.dev) {
        out.floor = await benchFloor(ctx, dir, floor, { url, pid: workerPid }, workerScenarios);
      }
      out.worker.scenarios = ctx.floorOnly ? [] : await drive("worker", url, workerScenarios, ctx.opts);
      return { orgId, keyId, key, ids: seeded.ids, floor, scenariosAt };
    },
  );
  // Miniflare has let go of the persistence: wrangler dev takes it over.
  if (ctx.dev && shared.floor) {
    out.floor = await benchFloorDev(ctx, dir, persistDir, shared.floor, shared.scenariosAt);
  }
  if (ctx.floorOnly) {
    rmSync(dir, { recursive: true, force: true });
    return out;
  }

  log(`${sizeLabel(size)}: starting the peer (Fastify + node:sqlite)`);
  const peer = await startPeer({
    db: join(dir, "peer.sqlite"),
    count: size,
    seed: SEED,
    orgId: shared.orgId,
    keyId: shared.keyId,
    keyHash: createHash("sha256").update(shared.key).digest("hex"),
    baseTime: ctx.baseTime,
  });
  await using(peer, peer.stop, async ({ url, seedMs }) => {
    out.peer.seed_ms = Number(seedMs.toFixed(0));
    out.peer.scenarios = await drive("peer", url, scenarios("peer", shared), ctx.opts);
  });
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/** @param {string[]} args */
function git(args) {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

async function main() {
  const started = performance.now();
  const opts = options();
  const tmp = mkdtempSync(join(tmpdir(), "products-api-bench-"));
  const removeTmp = () => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  cleanups.push(removeTmp);
  atExit.add(removeTmp);
  log(`mode ${opts.mode}; temporary folder ${tmp}`);

  const config = await readWranglerConfig();
  log("building the Worker bundle (wrangler deploy --dry-run)");
  const bundleDir = join(tmp, "bundle");
  const built = await buildBundle(bundleDir);
  log("measuring the minified bundle and startup (wrangler check startup)");
  const bundle = await bundleSize(join(tmp, "bundle-minified"));
  const startup = await startupTime(tmp);

  const imageOrigin = await startImageOrigin();
  log(`image origin on http://${imageOrigin.host}`);
  const sizes = await using(imageOrigin, imageOrigin.stop, async () => {
    const ctx = {
      tmp,
      config,
      bundle: { bundleFile: built.file, bundleDir },
      imageOrigin,
      baseTime: Date.now(),
      opts: { duration: opts.duration, connections: opts.connections, warmup: opts.warmup },
      floor: 0,
      floorOnly: false,
      dev: opts.dev,
    };
    const done = [];
    // The floor is measured at the first size: a point read's cost does not grow with the catalogue.
    for (const [index, size] of opts.sizes.entries()) {
      if (opts.floorOnly && index > 0) break;
      done.push(
        await benchSize(size, {
          ...ctx,
          floor: index === 0 ? Math.max(opts.floorRounds, opts.floorOnly ? 1 : 0) : 0,
          floorOnly: opts.floorOnly,
        }),
      );
    }
    return done;
  });
  if (opts.floorOnly) {
    // Paired runs of the floor alone: its table, nothing else measured or written.
    const commit = git(["rev-parse", "--short", "HEAD"]);
    console.log(
      renderFloor(/** @type {SizeResult} */ (sizes[0]), opts.dev ? `${commit} · wrangler dev` : commit),
    );
    return;
  }

  // analysis, run_ms and summary follow
  const results = /** @type {BenchResults} */ ({
    commit: git(["rev-parse", "--short", "HEAD"]),
    dirty: git(["status", "--porcelain", "--", "src", "migrations", "wrangler.toml"]) !== "",
    date: new Date().toISOString(),
    node: process.versions.node,
    options: {
      mode: opts.mode,
      sizes: opts.sizes,
      duration_s: opts.duration,
      warmup_s: opts.warmup,
      connections: opts.connections,
      seed: SEED,
      common_tag: COMMON_TAG,
      search_word: SEARCH_WORD,
      rich_tag: RICH_TAG,
    },
    bundle,
    startup,
    sizes,
  });
  results.analysis = analyse(results);
  results.run_ms = Math.round(performance.now() - started);
  results.summary = summary(results);
  return results;
}

releaseOnSignal(log, releaseAll);

let exitCode = 0;
/** @type {BenchResults | undefined} */
let results;
try {
  results = await main();
} catch (error) {
  const failure = /** @type {(Error & { usage?: boolean }) | undefined} */ (error);
  process.stderr.write(`[bench] FAILED: ${failure?.usage ? failure.message : (failure?.stack ?? failure)}\n`);
  exitCode = 1;
} finally {
  await releaseAll();
}
if (results) {
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(render(results));
  console.log(results.summary);
}
process.exit(exitCode);
