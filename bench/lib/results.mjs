// What bench/run.mjs prints and writes: the targets met or not, the tables, the one-line summary.
import { RICH_COUNT } from "./catalog.mjs";
import { fixed, int, seconds, table } from "./report.mjs";
import { LIST_LIMIT } from "./scenarios.mjs";

/**
 * @import { bundleSize, startupTime } from "./bundle.mjs"
 * @import { ScenarioResult } from "./load.mjs"
 * @import { FloorFigures } from "./floor.mjs"
 */

/** @typedef {"worker" | "peer"} Stack */
/**
 * The Worker's figures at one size (bench/run.mjs, benchSize).
 * @typedef {object} WorkerFigures
 * @property {number} start_ms
 * @property {number} first_request_ms
 * @property {number} warm_request_ms
 * @property {string[]} migrations the files applied
 * @property {number} migrate_ms
 * @property {number} seed_ms
 * @property {number} seed_statements
 * @property {number} seed_rows_per_s
 * @property {number} rich_ms
 * @property {ScenarioResult[]} scenarios
 */
/** @typedef {{ seed_ms: number, scenarios: ScenarioResult[] }} PeerFigures */
/**
 * `floor`: the interleaved rounds against the floor Worker (bench/lib/floor.mjs), at the first size.
 * @typedef {{ size: number, worker: WorkerFigures, peer: PeerFigures, floor?: FloorFigures }} SizeResult
 */
/**
 * What bench/run.mjs measured; bench/results.json has it with the analysis and the summary.
 * @typedef {object} Measured
 * @property {string} commit
 * @property {boolean} dirty
 * @property {string} date
 * @property {string} node
 * @property {{ mode: string, sizes: number[], duration_s: number, warmup_s: number, connections: number,
 *   seed: number, common_tag: string, search_word: string, rich_tag: string }} options
 * @property {Awaited<ReturnType<typeof bundleSize>>} bundle
 * @property {Awaited<ReturnType<typeof startupTime>>} startup
 * @property {SizeResult[]} sizes smallest first
 */
/** @typedef {ReturnType<typeof analyse>} Analysis */
/** @typedef {Measured & { analysis: Analysis, run_ms: number, summary: string }} BenchResults */
/** @typedef {{ get_over_health: number | null, list_over_health: number | null }} Overhead */
/** @typedef {{ size: number } & Record<Stack, Overhead>} OverheadRow */
/**
 * A target: `value` at most `limit`, or at least `floor` (a number, not the floor Worker).
 * @typedef {{ target: string, value: number | null | undefined, limit?: number, floor?: number }} Target
 */

/** @param {number} size */
export const sizeLabel = (size) =>
  size >= 1_000_000 && size % 1_000_000 === 0
    ? `${size / 1_000_000}M`
    : size >= 1000 && size % 1000 === 0
      ? `${size / 1000}k`
      : String(size);

/**
 * @param {ScenarioResult[] | undefined} scenarios
 * @param {string} name
 */
export const byName = (scenarios, name) => scenarios?.find((result) => result.scenario === name);
/**
 * @param {number | null | undefined} a
 * @param {number | null | undefined} b
 */
export const ratio = (a, b) => (a == null || b == null || b === 0 ? null : Number((a / b).toFixed(3)));

/** The share of the floor Worker's rps each read should reach. */
const FLOOR_GOALS = /** @type {const} */ ([
  ["get-by-id", 0.9],
  ["storefront-get", 0.9],
  ["list", 0.8],
]);

/** @param {Measured} results at least one size */
export function analyse(results) {
  const sorted = [...results.sizes].sort((a, b) => a.size - b.size);
  const smallest = /** @type {SizeResult} */ (sorted[0]);
  const largest = /** @type {SizeResult} */ (sorted[sorted.length - 1]);
  const p50Ratios = /** @type {Record<Stack, Record<string, number | null>>} */ ({});
  for (const stack of /** @type {const} */ (["worker", "peer"])) {
    p50Ratios[stack] = {};
    for (const result of largest[stack].scenarios) {
      const small = byName(smallest[stack].scenarios, result.scenario);
      p50Ratios[stack][result.scenario] = ratio(result.latency_ms.p50, small?.latency_ms.p50);
    }
  }
  const overhead = results.sizes.map(({ size, worker, peer }) => {
    const row = /** @type {OverheadRow} */ ({ size });
    for (const [stack, data] of /** @type {[Stack, WorkerFigures | PeerFigures][]} */ ([
      ["worker", worker],
      ["peer", peer],
    ])) {
      const health = byName(data.scenarios, "health")?.rps;
      row[stack] = {
        get_over_health: ratio(byName(data.scenarios, "get-by-id")?.rps, health),
        list_over_health: ratio(byName(data.scenarios, "list")?.rps, health),
      };
    }
    return row;
  });
  const large = largest.worker.scenarios;
  /** @param {string} name */
  const rows = (name) => byName(large, name)?.server_timing?.rows_read ?? null;
  const largeOverhead = /** @type {OverheadRow} */ (overhead.find((row) => row.size === largest.size)).worker;
  const targets = /** @type {Target[]} */ ([
    { target: "rows read per GET by id ≤ 3", value: rows("get-by-id"), limit: 3 },
    ...["list", "list-filtered", "search"].map((name) => ({
      target: `rows read per ${name} page ≤ limit + 5 (${LIST_LIMIT + 5})`,
      value: rows(name),
      limit: LIST_LIMIT + 5,
    })),
    ...["list", "list-filtered", "search"].map((name) => ({
      target: `${name} p50 at ${sizeLabel(largest.size)} ≤ 1.3× at ${sizeLabel(smallest.size)}`,
      value: p50Ratios.worker[name],
      limit: 1.3,
    })),
    { target: "GET-by-id rps ≥ 0.8× health", value: largeOverhead.get_over_health, floor: 0.8 },
    { target: "list rps ≥ 0.6× health", value: largeOverhead.list_over_health, floor: 0.6 },
    { target: "bundle ≤ 150 KiB gzip", value: results.bundle.gzip_kib, limit: 150 },
    ...FLOOR_GOALS.flatMap(([name, goal]) => [
      {
        target: `${name} rps ≥ ${goal}× the floor Worker's (at ${sizeLabel(smallest.size)})`,
        value: smallest.floor?.scenarios.find((row) => row.scenario === name)?.ratio ?? null,
        floor: goal,
      },
      {
        target: `${name} ≥ ${goal}× the floor Worker, side by side (its CPU a request over ours)`,
        value:
          smallest.floor?.side_by_side.find((row) => row.scenario === name && row.beside === "floor")
            ?.cpu_ratio ?? null,
        floor: goal,
      },
    ]),
  ]).map((entry) => ({
    ...entry,
    at_size: entry.target.startsWith("bundle")
      ? undefined
      : entry.target.includes("floor Worker")
        ? smallest.size
        : largest.size,
    // a missing value (undefined) compares false: not met
    met:
      entry.value === null
        ? null
        : entry.floor !== undefined
          ? /** @type {number} */ (entry.value) >= entry.floor
          : /** @type {number} */ (entry.value) <= /** @type {number} */ (entry.limit),
  }));
  return { smallest: smallest.size, largest: largest.size, p50Ratios, overhead, targets };
}

/**
 * The rounds against the floor Worker at one size, as a table.
 * @param {SizeResult} entry
 * @param {string} [commit] for a run of the floor alone (--floor)
 */
export function renderFloor(entry, commit) {
  const floor = /** @type {FloorFigures} */ (entry.floor);
  return [
    `== the floor Worker (one limiter call, one D1 point read) at ${sizeLabel(entry.size)}: medians of ${floor.rounds} interleaved rounds${commit ? ` · ${commit}` : ""} ==`,
    table(
      ["scenario", "request", "rps", "× floor rps", "paired (range)", "CPU ms/request", "× floor CPU"],
      floor.scenarios.map((r) => [
        r.scenario,
        r.request,
        int(r.rps),
        fixed(r.ratio),
        `${fixed(r.paired_ratio)} (${fixed(r.paired_range[0])}–${fixed(r.paired_range[1])})`,
        fixed(r.cpu_ms),
        fixed(r.cpu_ratio),
      ]),
    ),
    "",
    `== side by side (both loaded at once, half the connections each): medians of ${floor.rounds} rounds; × its CPU: its CPU per request over ours ==`,
    table(
      ["scenario", "beside", "CPU ms/request", "its CPU ms", "× its CPU (range)", "× its rps"],
      (floor.side_by_side ?? []).map((r) => [
        r.scenario,
        r.beside,
        fixed(r.cpu_ms),
        fixed(r.beside_cpu_ms),
        `${fixed(r.cpu_ratio)} (${fixed(r.cpu_range[0])}–${fixed(r.cpu_range[1])})`,
        fixed(r.rps_ratio),
      ]),
    ),
  ].join("\n");
}

/** @param {BenchResults} results */
export function render(results) {
  const lines = [];
  const o = results.options;
  lines.push(
    `products-api benchmark · ${results.commit}${results.dirty ? " (uncommitted changes)" : ""} · ${results.date} · Node ${results.node}`,
    `mode ${o.mode}: sizes ${o.sizes.map(sizeLabel).join(", ")} · ${o.duration_s} s per scenario after ${o.warmup_s} s warm-up · ${o.connections} connections · 127.0.0.1`,
    "",
  );
  for (const entry of results.sizes) {
    const w = entry.worker;
    lines.push(
      `== ${entry.size.toLocaleString("en-US")} products ==`,
      `worker: workerd start ${seconds(w.start_ms)}, first request ${fixed(w.first_request_ms, 1)} ms (warm ${fixed(w.warm_request_ms, 2)} ms), migrations ${w.migrate_ms} ms, seed ${seconds(w.seed_ms)} (${int(w.seed_rows_per_s)} rows/s, ${w.seed_statements} INSERTs), ${RICH_COUNT} rich products ${seconds(w.rich_ms)}`,
      `peer:   seed ${seconds(entry.peer.seed_ms)}`,
      "",
    );
    const rows = [];
    for (const stack of /** @type {const} */ (["worker", "peer"])) {
      for (const r of entry[stack].scenarios) {
        const st = r.server_timing;
        rows.push([
          stack,
          r.scenario,
          r.request,
          int(r.rps),
          fixed(r.latency_ms.p50),
          fixed(r.latency_ms.p99),
          int(r.errors),
          r.soft_statuses === undefined ? "" : int(r.soft_statuses),
          st ? fixed(st.rows_read, 1) : "n/a",
          st ? fixed(st.rows_written, 1) : "n/a",
          st ? fixed(st.queries, 1) : "n/a",
          st ? fixed(st.db_ms, 2) : "n/a",
          st ? fixed(st.total_ms, 2) : "n/a",
        ]);
      }
    }
    lines.push(
      table(
        [
          "stack",
          "scenario",
          "request",
          "rps",
          "p50 ms",
          "p99 ms",
          "errors",
          "412",
          "rows read",
          "rows written",
          "queries",
          "db ms",
          "server ms",
        ],
        rows,
      ),
      "",
    );
  }
  for (const entry of results.sizes) if (entry.floor) lines.push(renderFloor(entry), "");
  const a = results.analysis;
  const small = sizeLabel(a.smallest);
  const large = sizeLabel(a.largest);
  lines.push(`== p50 latency at ${large} ÷ at ${small} ==`);
  const names = Object.keys(a.p50Ratios.worker);
  lines.push(
    table(
      ["stack", ...names],
      /** @type {const} */ (["worker", "peer"]).map((stack) => [
        stack,
        ...names.map((name) => fixed(a.p50Ratios[stack][name] ?? null)),
      ]),
    ),
    "",
    "== handler overhead: rps ÷ the same stack's /health rps ==",
    table(
      ["size", "worker get/health", "worker list/health", "peer get/health", "peer list/health"],
      a.overhead.map((row) => [
        sizeLabel(row.size),
        fixed(row.worker.get_over_health),
        fixed(row.worker.list_over_health),
        fixed(row.peer.get_over_health),
        fixed(row.peer.list_over_health),
      ]),
    ),
    "",
    "== bundle ==",
    `minified ${int(results.bundle.minified_bytes)} bytes, gzip ${int(results.bundle.gzip_bytes)} bytes (${results.bundle.gzip_kib} KiB)`,
    `startup: ${results.startup.active_ms} ms active CPU (${results.startup.gc_ms} ms GC) in a ${results.startup.profile_window_ms} ms profile window — ${results.startup.method}`,
    "",
    `== targets (at ${large}) ==`,
    table(
      ["target", "value", "met"],
      a.targets.map((t) => [
        t.target,
        t.value === null ? "n/a" : String(t.value),
        t.met === null ? "n/a" : t.met ? "yes" : "NO",
      ]),
    ),
    "",
    `run time ${seconds(results.run_ms)}; results in bench/results.json`,
  );
  return lines.join("\n");
}

/** @param {BenchResults} results */
export function summary(results) {
  const a = results.analysis;
  const largest = /** @type {SizeResult} */ (results.sizes.find((entry) => entry.size === a.largest));
  const w = largest.worker.scenarios;
  const over = /** @type {OverheadRow} */ (a.overhead.find((row) => row.size === a.largest));
  // the scenarios every run has
  const getById = /** @type {ScenarioResult} */ (byName(w, "get-by-id"));
  const list = /** @type {ScenarioResult} */ (byName(w, "list"));
  const met = a.targets.filter((t) => t.met).length;
  const ratioLabel = `${sizeLabel(a.largest)}/${sizeLabel(a.smallest)}`;
  return [
    `bench: get-by-id ${int(getById.rps)} rps (${fixed(over.worker.get_over_health)}× health)`,
    `list ${fixed(over.worker.list_over_health)}× health`,
    `rows/get ${fixed(getById.server_timing?.rows_read ?? null, 1)}`,
    `rows/list ${fixed(list.server_timing?.rows_read ?? null, 1)}`,
    `p50 ${ratioLabel} list ${fixed(a.p50Ratios.worker.list)} filter ${fixed(a.p50Ratios.worker["list-filtered"])} search ${fixed(a.p50Ratios.worker.search)}`,
    `bundle ${fixed(results.bundle.gzip_kib, 1)} KiB gzip`,
    `startup ${results.startup.active_ms} ms`,
    `peer get ${fixed(over.peer.get_over_health)}× list ${fixed(over.peer.list_over_health)}× health`,
    `targets ${met}/${a.targets.length} met`,
  ].join(", ");
}
