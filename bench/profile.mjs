// npm run bench:profile [-- scenario ...]: a CPU profile of the Worker's JavaScript under load, to
// tell where a request's time goes. Builds the non-minified bundle (with its source map), runs it
// under Miniflare with workerd's V8 inspector on, migrates and seeds D1 as `npm run bench` does,
// then per scenario (default get-by-id, storefront-get, list; `hello`, `floor`, `floor-zod-openapi`,
// `floor-row`, `floor-contract` and `floor-contract-list` profile the floor Worker of
// bench/lib/floor.mjs instead, started beside it with the rows our GET answers, so that the two
// isolates can be compared): 3 s of warm-up, then the Profiler
// (and only the Profiler: no Runtime, Console or Log domain) over BENCH_PROFILE_SECONDS of load.
// Prints per scenario the self time by module group, the top functions by self time and the
// bundle's top functions by total time (bench/lib/profile.mjs), and keeps the .cpuprofile files,
// the bundle and its map in a temporary folder (printed) for Chrome DevTools. With --perf: perf
// record of the whole workerd process instead (every isolate, local D1's SQLite), its symbols by self time.
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { products } from "./lib/catalog.mjs";
import { cpuSeconds, floorData, floorScenarios, startFloor, withWorkerdPid } from "./lib/floor.mjs";
import { startImageOrigin } from "./lib/image-origin.mjs";
import { runScenario } from "./lib/load.mjs";
import { ROOT, releaseOnSignal, wrangler } from "./lib/proc.mjs";
import {
  analyseProfile,
  bundleMap,
  connectInspector,
  PRELUDE,
  recordPerf,
  renderPerf,
  renderProfile,
  workerTarget,
} from "./lib/profile.mjs";
import { fixed, int } from "./lib/report.mjs";
import { createRichProducts, createStockProduct, scenarios, uploadImage } from "./lib/scenarios.mjs";
import { applyMigrations, createOrgAndKey, readWranglerConfig, seedD1, startWorker } from "./lib/worker.mjs";

/** @import { Scenario, ScenarioContext } from "./lib/load.mjs" */

const DEFAULT_SCENARIOS = ["get-by-id", "storefront-get", "list"];
/** bench/run.mjs's catalogue seed: the same products */
const SEED = 20261123;
const WARMUP_S = 3;

const USAGE = `usage: npm run bench:profile [-- [--perf] scenario ...]   (default: ${DEFAULT_SCENARIOS.join(" ")})
--perf: perf record of the whole workerd (every isolate, local D1's SQLite, the runtime) instead of V8's profile of one isolate
env: BENCH_PROFILE_SECONDS=10 (profiled load per scenario)  BENCH_PROFILE_SIZE=1000 (catalogue, ≥ 1000)
     BENCH_PROFILE_CONNECTIONS=16  BENCH_PROFILE_INTERVAL_US=100 (V8's sampling interval)`;

/** @param {string} message */
const log = (message) => process.stderr.write(`[profile] ${message}\n`);

function options() {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  /**
   * @param {string} name
   * @param {number} fallback
   */
  const number = (name, fallback) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number\n${USAGE}`);
    return value;
  };
  const size = number("BENCH_PROFILE_SIZE", 1000);
  if (!Number.isInteger(size) || size < 1000) throw new Error(`BENCH_PROFILE_SIZE must be an integer ≥ 1000`);
  const names = args.filter((arg) => arg !== "--perf");
  return {
    scenarios: names.length > 0 ? names : DEFAULT_SCENARIOS,
    perf: args.includes("--perf"),
    seconds: number("BENCH_PROFILE_SECONDS", 10),
    size,
    connections: Math.round(number("BENCH_PROFILE_CONNECTIONS", 16)),
    intervalUs: Math.round(number("BENCH_PROFILE_INTERVAL_US", 100)),
  };
}

/**
 * One request like the scenario's: it must answer as the scenario expects before it is profiled.
 * @param {string} base
 * @param {Scenario} scenario
 */
async function probe(base, scenario) {
  const request = { method: scenario.method ?? "GET", path: scenario.path, headers: { ...scenario.headers } };
  /** @type {ScenarioContext} */
  const context = {};
  const built = scenario.setup ? scenario.setup({ ...request, body: scenario.body }, context) : request;
  const response = await fetch(`${base}${built.path}`, {
    method: built.method,
    headers: built.headers,
    body: "body" in built ? built.body : undefined,
  });
  const text = await response.text();
  scenario.onResponse?.(response.status, Object.fromEntries(response.headers), context);
  const statusOk =
    scenario.probeStatus === undefined
      ? response.status >= 200 && response.status <= 299
      : response.status === scenario.probeStatus;
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!statusOk || (scenario.expect && !scenario.expect(body))) {
    throw new Error(
      `${scenario.name}: ${built.method} ${built.path} → ${response.status}: ${text.slice(0, 400)}`,
    );
  }
}

/** Releases, newest first, on success, failure or a signal. @type {(() => unknown)[]} */
const cleanups = [];
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

async function main() {
  const opts = options();
  const work = mkdtempSync(join(tmpdir(), "products-api-profile-work-"));
  cleanups.push(() => rmSync(work, { recursive: true, force: true, maxRetries: 3 }));
  const out = mkdtempSync(join(tmpdir(), "products-api-profile-"));
  // perf records the runtime as `npm run bench` runs it: no inspector, since with one workerd's V8
  // captures a stack trace for every console.log (about 24 µs of a GET's CPU), whether a session
  // is attached or not.
  const inspectorPort = opts.perf ? undefined : 0;
  /**
   * The inspector's target of the Worker's isolate, or "" with --perf (none).
   * @param {import("miniflare").Miniflare} mf
   */
  const inspectorTarget = async (mf) => (opts.perf ? "" : workerTarget(await mf.getInspectorURL()));

  log("building the Worker bundle (wrangler deploy --dry-run --upload-source-maps, not minified)");
  const bundleDir = join(work, "bundle");
  await wrangler(["deploy", "--dry-run", "--outdir", bundleDir, "--upload-source-maps"]);
  const bundleFile = join(bundleDir, "index.js");
  for (const file of ["index.js", "index.js.map"]) {
    if (existsSync(join(bundleDir, file))) copyFileSync(join(bundleDir, file), join(out, file));
  }
  const bundle = bundleMap(bundleFile, ROOT);
  log(`bundle: ${bundle.modules.length - 1} modules, ${bundle.sourceMap ? "with" : "without"} a source map`);

  const config = await readWranglerConfig();
  const imageOrigin = await startImageOrigin();
  cleanups.push(imageOrigin.stop);
  const adminToken = randomBytes(24).toString("hex");
  const persistDir = join(work, "persist");
  mkdirSync(persistDir, { recursive: true });
  const { started: worker, pid: workerdPid } = await withWorkerdPid(() =>
    startWorker({ bundleFile, bundleDir, persistDir, config, adminToken, imageOrigin, inspectorPort }),
  );
  cleanups.push(() => worker.mf.dispose());
  const { url } = worker;
  log(`Worker on ${url}${opts.perf ? "" : `, inspector on ${(await worker.mf.getInspectorURL()).href}`}`);

  const db = await worker.mf.getD1Database("DB");
  await applyMigrations(db);
  const { orgId, keyId, key, publishableKey } = await createOrgAndKey(url, adminToken);
  log(`seeding ${opts.size.toLocaleString("en-US")} products into D1`);
  const seeded = await seedD1(
    db,
    products({ count: opts.size, seed: SEED, orgId, keyId, baseTime: Date.now() }),
  );
  const imageId = await uploadImage(url, key, /** @type {string} */ (seeded.ids[0]));
  const stockId = await createStockProduct(url, key);
  const all = scenarios("worker", {
    ids: seeded.ids,
    key,
    publishableKey,
    url,
    imageId,
    stockId,
    imageUrls: imageOrigin.urls,
    createRich: () => createRichProducts(url, key),
  });
  const target = { url, pid: workerdPid, targetUrl: await inspectorTarget(worker.mf), bundle };
  /** The floor Worker, started when a floor scenario is asked for. */
  const onFloor = floorScenarios(seeded.ids, key);
  /** @type {typeof target | undefined} */
  let floor;
  const floorTarget = async () => {
    if (floor) return floor;
    const data = await floorData({ url, db }, { orgId, keyId, key }, seeded.ids);
    const floorDir = join(work, "floor");
    mkdirSync(floorDir, { recursive: true });
    const started = await startFloor(config, floorDir, data, inspectorPort);
    cleanups.push(() => started.mf.dispose());
    // The floor's script is minified and has no module headers: a bundle name no frame has, so that
    // its frames are grouped by script.
    const floorBundle = {
      ...bundle,
      name: "(the floor: no bundle map)",
      modules: [{ line: 0, module: PRELUDE }],
      sourceMap: undefined,
    };
    floor = {
      url: started.url,
      pid: started.pid,
      targetUrl: await inspectorTarget(started.mf),
      bundle: floorBundle,
    };
    log(`the floor Worker on ${floor.url} (${data.answers.length.toLocaleString("en-US")} rows)`);
    return floor;
  };
  const chosen = [];
  for (const name of opts.scenarios) {
    const scenario = [...all, ...onFloor].find((candidate) => candidate.name === name);
    if (!scenario) {
      const names = [...all, ...onFloor].map((s) => s.name).join(", ");
      throw new Error(`no scenario ${name}; there are ${names}`);
    }
    chosen.push({ scenario, at: onFloor.includes(scenario) ? await floorTarget() : target });
  }

  const summary = [];
  for (const { scenario, at } of chosen) {
    await scenario.prepare?.();
    await probe(at.url, scenario);
    log(`${scenario.name}: ${WARMUP_S} s of warm-up, then ${opts.seconds} s profiled`);
    await runScenario(at.url, scenario, { duration: WARMUP_S, connections: opts.connections, warmup: 0 });
    if (opts.perf) {
      summary.push(await perfScenario(at, scenario, opts, out));
      continue;
    }
    const session = await connectInspector(at.targetUrl);
    /** @type {import("./lib/profile.mjs").CpuProfile} */
    let profile;
    /** @type {Awaited<ReturnType<typeof runScenario>>} */
    let result;
    const cpuBefore = cpuSeconds(at.pid);
    try {
      await session.send("Profiler.enable");
      await session.send("Profiler.setSamplingInterval", { interval: opts.intervalUs });
      await session.send("Profiler.start");
      result = await runScenario(at.url, scenario, {
        duration: opts.seconds,
        connections: opts.connections,
        warmup: 0,
      });
      ({ profile } = await session.send("Profiler.stop"));
      await session.send("Profiler.disable");
    } finally {
      session.close();
    }
    const workerdCpuUs = (cpuSeconds(at.pid) - cpuBefore) * 1e6;
    const file = join(out, `${scenario.name}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const analysis = analyseProfile(profile, at.bundle);
    const requests = result.requests;
    console.log(
      `\n=== ${scenario.name}: ${result.request}, ${opts.connections} connections, ${fixed(result.duration_s, 1)} s: ` +
        `${int(requests)} requests (${fixed(result.rps, 0)} rps, p50 ${fixed(result.latency_ms.p50)} ms, ` +
        `${result.ok} ok, ${result.errors} errors); workerd CPU (every isolate, local D1 included) ` +
        `${fixed(requests > 0 ? workerdCpuUs / requests : null, 0)} µs/request`,
    );
    console.log(renderProfile(analysis, { requests }));
    summary.push({
      scenario: scenario.name,
      requests,
      rps: result.rps,
      errors: result.errors,
      workerd_cpu_us_per_request: requests > 0 ? Math.round(workerdCpuUs / requests) : null,
      samples: analysis.samples,
      interval_us: analysis.intervalUs,
      isolate_us_per_request:
        requests > 0 ? Math.round((analysis.samples * analysis.intervalUs) / requests) : null,
      devtools_sampled_ms: Math.round(analysis.sampledUs / 1000),
      groups: analysis.groups.map(({ group, samples, us }) => ({
        group,
        samples,
        devtools_us: Math.round(us),
      })),
      functions: analysis.functions
        .slice(0, 50)
        .map(({ us, ...row }) => ({ ...row, devtools_us: Math.round(us) })),
      profile: file,
    });
  }
  writeFileSync(join(out, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(
    opts.perf
      ? `\nperf recordings (perf report -i <file>) and summary.json: ${out}`
      : `\nprofiles (load them in Chrome DevTools, Performance panel), the bundle, its source map and summary.json: ${out}`,
  );
}

/**
 * --perf: the scenario's load with `perf record` on its workerd for `opts.seconds` (the load runs a
 * second longer, so that perf's whole window is under load); its symbols by self time.
 * @param {{ url: string, pid: number }} at
 * @param {Scenario} scenario
 * @param {ReturnType<typeof options>} opts
 * @param {string} out
 */
async function perfScenario(at, scenario, opts, out) {
  const file = join(out, `${scenario.name}.perf.data`);
  const cpuBefore = cpuSeconds(at.pid);
  const load = runScenario(at.url, scenario, {
    duration: opts.seconds + 1,
    connections: opts.connections,
    warmup: 0,
  });
  await recordPerf(at.pid, opts.seconds, file);
  const workerdCpuUs = (cpuSeconds(at.pid) - cpuBefore) * 1e6;
  const result = await load;
  // perf's window: the requests answered in it, at the run's rate
  const requests = Math.round((result.rps ?? 0) * opts.seconds);
  console.log(
    `\n=== ${scenario.name}: ${result.request}, ${opts.connections} connections: ${fixed(result.rps, 0)} rps; ` +
      `workerd CPU ${fixed(requests > 0 ? workerdCpuUs / requests : null, 0)} µs/request (perf's window)`,
  );
  console.log(await renderPerf(file, workerdCpuUs, requests));
  return { scenario: scenario.name, rps: result.rps, perf: file };
}

releaseOnSignal(log, releaseAll);

let exitCode = 0;
try {
  await main();
} catch (error) {
  process.stderr.write(`[profile] FAILED: ${/** @type {Error} */ (error)?.stack ?? error}\n`);
  exitCode = 1;
} finally {
  await releaseAll();
}
process.exit(exitCode);
