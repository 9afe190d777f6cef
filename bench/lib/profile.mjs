// A V8 CPU profile of the Worker (bench/profile.mjs): a minimal Chrome DevTools Protocol client for
// workerd's inspector (the Profiler domain only), and the analysis of a profile: self time by module
// group (src/<file>, node_modules/<package>, the runtime's own code, (program), (garbage collector),
// (idle)) and the functions with the most self time, each attributed to its module through the
// `// <path>` comment esbuild writes before each module of a non-minified bundle, and to its
// original line through the bundle's source map when there is one.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { basename, relative, resolve } from "node:path";
import { run } from "./proc.mjs";
import { fixed, int, table } from "./report.mjs";

/**
 * @typedef {object} CallFrame
 * @property {string} functionName
 * @property {string} scriptId
 * @property {string} url
 * @property {number} lineNumber 0-based
 * @property {number} columnNumber 0-based
 */
/**
 * @typedef {object} ProfileNode
 * @property {number} id
 * @property {CallFrame} callFrame
 * @property {number} [hitCount]
 * @property {number[]} [children]
 */
/**
 * A `.cpuprofile` (CDP Profiler.Profile): times in µs, `timeDeltas[i]` the time from sample i - 1
 * (or `startTime`) to sample i.
 * @typedef {object} CpuProfile
 * @property {ProfileNode[]} nodes
 * @property {number} startTime
 * @property {number} endTime
 * @property {number[]} [samples] node ids
 * @property {number[]} [timeDeltas]
 */
/**
 * The bundle: its file name (the profile's `url` for its frames), the line where each module starts
 * (0-based, ascending) and the source map, if any.
 * @typedef {object} BundleMap
 * @property {string} name
 * @property {{ line: number, module: string }[]} modules
 * @property {SourceMap | undefined} sourceMap
 * @property {string} sourceRoot the folder the source map's paths are relative to
 * @property {string} root the project's folder (module paths are shown relative to it)
 */

/** esbuild's header before each module of a non-minified bundle: `// src/app.ts`, `// node_modules/hono/dist/hono.js` */
const MODULE_HEADER = /^\/\/ (\S+\.(?:[cm]?[jt]sx?|json))$/;

/** Native code called from JavaScript: V8's builtins and workerd's C++ API (fetch, Response, URL, …). */
export const NATIVE = "(native)";

/** What precedes the first module header: esbuild's helpers (__name, __export, …). */
export const PRELUDE = "(bundle prelude)";

/**
 * Reads the bundle's module headers and its source map (`<file>.map`, when present).
 * @param {string} file the bundle's index.js
 * @param {string} root the project's folder
 * @returns {BundleMap}
 */
export function bundleMap(file, root) {
  const modules = [{ line: 0, module: PRELUDE }];
  for (const [index, text] of readFileSync(file, "utf8").split("\n").entries()) {
    const match = MODULE_HEADER.exec(text);
    if (match) modules.push({ line: index, module: /** @type {string} */ (match[1]) });
  }
  /** @type {SourceMap | undefined} */
  let sourceMap;
  let sourceRoot = resolve(file, "..");
  try {
    const payload = JSON.parse(readFileSync(`${file}.map`, "utf8"));
    sourceRoot = resolve(sourceRoot, payload.sourceRoot ?? "");
    sourceMap = new SourceMap(payload);
  } catch {
    // no source map: the module headers alone
  }
  return { name: basename(file), modules, sourceMap, sourceRoot, root };
}

/**
 * The module a bundle line (0-based) belongs to.
 * @param {BundleMap} bundle
 * @param {number} line
 */
export function moduleAt(bundle, line) {
  const { modules } = bundle;
  let low = 0;
  let high = modules.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (/** @type {{ line: number }} */ (modules[middle]).line <= line) low = middle;
    else high = middle - 1;
  }
  return /** @type {{ module: string }} */ (modules[low]).module;
}

/**
 * The group of a module path: src/ files one by one, node_modules by package.
 * @param {string} module
 */
export function groupOf(module) {
  const at = module.lastIndexOf("node_modules/");
  if (at < 0) return module;
  const parts = module.slice(at + "node_modules/".length).split("/");
  const name = parts[0]?.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return `node_modules/${name}`;
}

/**
 * Where a frame's code comes from: its module and group, the bundle line and, through the source
 * map, the original file and line (only when the map agrees with the module header).
 * @param {BundleMap} bundle
 * @param {CallFrame} frame
 * @returns {{ module: string, group: string, line?: number, original?: string }}
 */
export function locate(bundle, frame) {
  const { functionName, url, lineNumber, columnNumber } = frame;
  if (url === "") {
    // V8's pseudo-frames, and native code (V8 builtins, workerd's C++ API) called from JS
    if (/^\(.*\)$/.test(functionName)) return { module: functionName, group: functionName };
    return { module: NATIVE, group: NATIVE };
  }
  if (url !== bundle.name && !url.endsWith(`/${bundle.name}`)) {
    // workerd's own JavaScript (node-internal:…, cloudflare-internal:…)
    const scheme = /^([\w-]+):/.exec(url)?.[1];
    return { module: url, group: scheme ? `(runtime ${scheme})` : `(script ${url})` };
  }
  const module = moduleAt(bundle, lineNumber);
  /** @type {{ module: string, group: string, line: number, original?: string }} */
  const located = { module, group: groupOf(module), line: lineNumber + 1 };
  const entry = bundle.sourceMap?.findEntry(lineNumber, columnNumber);
  if (entry && "originalSource" in entry) {
    const source = relative(bundle.root, resolve(bundle.sourceRoot, entry.originalSource));
    if (source === module) located.original = `${source}:${entry.originalLine + 1}`;
  }
  return located;
}

/**
 * One row of a table: its samples, and their durations summed as DevTools counts them (`us`: each
 * sample lasts until the next one).
 * @typedef {{ samples: number, us: number }} Tally
 */

/**
 * What a profile says: its window, the samples by group and by function (self), and the bundle's
 * functions by total time (self and everything they called).
 *
 * V8 samples the isolate only while it is in use (workerd runs Miniflare's own isolates, local D1
 * and the rate limiter among them, on the same thread, and the machine's cores are shared with the
 * load), so a gap between two samples is mostly time spent elsewhere: DevTools' durations give it
 * all to the sample before the gap. The shares here count samples, each worth `intervalUs` (the
 * median gap, the sampler's actual period), and `sampledUs` is the DevTools figure, gaps included.
 * @typedef {object} ProfileAnalysis
 * @property {number} windowUs endTime - startTime
 * @property {number} samples
 * @property {number} intervalUs the median time between two samples
 * @property {number} sampledUs the samples' durations summed as DevTools does (gaps included)
 * @property {number} idleSamples the samples in (idle)
 * @property {(Tally & { group: string })[]} groups by self samples, descending
 * @property {(Tally & { name: string, module: string, group: string, line?: number, original?: string })[]} functions by self samples, descending
 * @property {(Tally & { name: string, module: string, line?: number, original?: string })[]} inclusive the bundle's functions by total samples, descending
 */

/**
 * @param {CpuProfile} profile
 * @param {BundleMap} bundle
 * @returns {ProfileAnalysis}
 */
export function analyseProfile(profile, bundle) {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  /** @type {Map<number, ProfileNode>} */
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<number, number>} child id → parent id */
  const parents = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  /** @type {Map<number, Tally>} self time per node */
  const perNode = new Map();
  let time = profile.startTime;
  for (const [index, id] of samples.entries()) {
    time += deltas[index] ?? 0;
    const next = index + 1 < samples.length ? time + (deltas[index + 1] ?? 0) : profile.endTime;
    const tally = perNode.get(id) ?? { us: 0, samples: 0 };
    tally.us += Math.max(0, next - time);
    tally.samples += 1;
    perNode.set(id, tally);
  }

  /** @param {CallFrame} frame */
  const keyOf = (frame) =>
    `${frame.functionName}\u0000${frame.url}:${frame.lineNumber}:${frame.columnNumber}`;
  /** @type {Map<string, Tally & { name: string, module: string, group: string, line?: number, original?: string }>} */
  const functions = new Map();
  /** @type {Map<string, Tally & { group: string }>} */
  const groups = new Map();
  /** @type {Map<string, Tally & { name: string, module: string, line?: number, original?: string }>} */
  const inclusive = new Map();
  /** @type {Map<number, ReturnType<typeof locate>>} */
  const located = new Map();
  /** @param {ProfileNode} node */
  const where = (node) => {
    let found = located.get(node.id);
    if (!found) {
      found = locate(bundle, node.callFrame);
      located.set(node.id, found);
    }
    return found;
  };
  /** @param {CallFrame} frame */
  const nameOf = (frame) => frame.functionName || "(anonymous)";
  let sampledUs = 0;
  let idleSamples = 0;
  for (const [id, tally] of perNode) {
    const node = /** @type {ProfileNode} */ (nodes.get(id));
    const place = where(node);
    sampledUs += tally.us;
    if (node.callFrame.functionName === "(idle)" && node.callFrame.url === "") idleSamples += tally.samples;
    let key = keyOf(node.callFrame);
    let name = nameOf(node.callFrame);
    let self = place;
    if (place.module === NATIVE) {
      // native code by its caller (the nearest JavaScript frame): D1's fetch is not the rate
      // limiter's, and an optimised caller's console.log shows as an anonymous native frame
      let caller = parents.get(id);
      while (caller !== undefined && where(/** @type {ProfileNode} */ (nodes.get(caller))).module === NATIVE)
        caller = parents.get(caller);
      const callerNode = caller === undefined ? undefined : /** @type {ProfileNode} */ (nodes.get(caller));
      if (callerNode) {
        name = `${name} ← ${nameOf(callerNode.callFrame)}`;
        self = { ...place, module: `${NATIVE} ← ${where(callerNode).module}` };
        key = `${key}\u0000${keyOf(callerNode.callFrame)}`;
      }
    }
    const fn = functions.get(key) ?? { name, ...self, us: 0, samples: 0 };
    fn.us += tally.us;
    fn.samples += tally.samples;
    functions.set(key, fn);
    const group = groups.get(place.group) ?? { group: place.group, us: 0, samples: 0 };
    group.us += tally.us;
    group.samples += tally.samples;
    groups.set(place.group, group);
    // total time: every bundle function on the stack, once per sample even when recursive
    /** @type {Set<string>} */
    const seen = new Set();
    for (let at = /** @type {number | undefined} */ (id); at !== undefined; at = parents.get(at)) {
      const frame = /** @type {ProfileNode} */ (nodes.get(at));
      const framePlace = where(frame);
      if (framePlace.line === undefined) continue;
      const frameKey = keyOf(frame.callFrame);
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      const { group: _, ...rest } = framePlace;
      const entry = inclusive.get(frameKey) ?? { name: nameOf(frame.callFrame), ...rest, us: 0, samples: 0 };
      entry.us += tally.us;
      entry.samples += tally.samples;
      inclusive.set(frameKey, entry);
    }
  }
  /** @param {Tally} a @param {Tally} b */
  const bySamples = (a, b) => b.samples - a.samples || b.us - a.us;
  const gaps = deltas.slice(1).sort((a, b) => a - b);
  return {
    windowUs: profile.endTime - profile.startTime,
    samples: samples.length,
    intervalUs: gaps[Math.floor(gaps.length / 2)] ?? 0,
    sampledUs,
    idleSamples,
    groups: [...groups.values()].sort(bySamples),
    functions: [...functions.values()].sort(bySamples),
    inclusive: [...inclusive.values()].sort(bySamples),
  };
}

/**
 * The readable report of one profile: the totals, self time by group, the top functions by self
 * time and the bundle's top functions by total time; shares of the samples, and per request the
 * samples' worth in µs (samples × the sampler's period ÷ requests).
 * @param {ProfileAnalysis} analysis
 * @param {{ requests: number, top?: number, topInclusive?: number }} options requests served while profiling
 */
export function renderProfile(analysis, { requests, top = 25, topInclusive = 15 }) {
  const { samples, intervalUs, idleSamples } = analysis;
  /** @param {number} count */
  const share = (count) => `${fixed(samples > 0 ? (100 * count) / samples : null, 1)}%`;
  /** @param {number} count */
  const perRequest = (count) => fixed(requests > 0 ? (count * intervalUs) / requests : null, 1);
  /** @param {{ line?: number, original?: string }} row */
  const at = (row) => row.original ?? (row.line === undefined ? "" : `index.js:${row.line}`);
  /** @param {Tally} row */
  const devtools = (row) =>
    `${fixed(analysis.sampledUs > 0 ? (100 * row.us) / analysis.sampledUs : null, 1)}%`;
  /** @param {Tally & { name: string, module: string, line?: number, original?: string }} row */
  const functionRow = (row) => [
    row.name,
    row.module,
    at(row),
    int(row.samples),
    share(row.samples),
    perRequest(row.samples),
  ];
  return [
    `${int(samples)} samples in ${fixed(analysis.windowUs / 1000, 0)} ms, one per ${fixed(intervalUs, 0)} µs ` +
      `(median): the Worker's isolate in use ≈ ${fixed((samples * intervalUs) / 1000, 0)} ms, ` +
      `${perRequest(samples)} µs per request (${perRequest(samples - idleSamples)} µs not idle) over ` +
      `${int(requests)} requests; DevTools' sampled time (gaps included) ${fixed(analysis.sampledUs / 1000, 0)} ms`,
    "",
    table(
      ["group (self)", "samples", "share", "µs/request", "DevTools share"],
      analysis.groups.map((row) => [
        row.group,
        int(row.samples),
        share(row.samples),
        perRequest(row.samples),
        devtools(row),
      ]),
    ),
    "",
    table(
      ["function (self)", "module", "at", "samples", "share", "µs/request"],
      analysis.functions.slice(0, top).map(functionRow),
    ),
    "",
    table(
      ["bundle function (total)", "module", "at", "samples", "share", "µs/request"],
      analysis.inclusive.slice(0, topInclusive).map(functionRow),
    ),
  ].join("\n");
}

/**
 * A CDP session over the inspector's WebSocket: `send` a method, get its result (or an Error).
 * Only what is sent is enabled: no Runtime, Console or Log domain (they would make every
 * console.log of the Worker be serialized to this connection).
 * @param {string} url ws://127.0.0.1:<port>/<target id>
 */
export async function connectInspector(url) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`cannot connect to the inspector at ${url}`)), {
      once: true,
    });
  });
  let nextId = 0;
  /** @type {Map<number, { resolve: (value: any) => void, reject: (error: Error) => void }>} */
  const pending = new Map();
  socket.addEventListener("message", (event) => {
    /** @type {{ id?: number, result?: unknown, error?: { message: string } }} */
    const message = JSON.parse(String(event.data));
    const waiter = message.id === undefined ? undefined : pending.get(message.id);
    if (!waiter) return; // an event: none is asked for
    pending.delete(/** @type {number} */ (message.id));
    if (message.error) waiter.reject(new Error(`inspector: ${message.error.message}`));
    else waiter.resolve(message.result);
  });
  socket.addEventListener("close", () => {
    for (const waiter of pending.values()) waiter.reject(new Error("inspector connection closed"));
    pending.clear();
  });
  return {
    /**
     * @param {string} method
     * @param {Record<string, unknown>} [params]
     * @returns {Promise<any>}
     */
    send(method, params = {}) {
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close() {
      socket.close();
    },
  };
}

/**
 * The WebSocket URL of the user Worker's isolate on workerd's inspector (its /json/list target
 * `core:user:<name>`; the others are Miniflare's own services: D1, KV, R2, …).
 * @param {URL} inspector ws://127.0.0.1:<port>/ (Miniflare's getInspectorURL)
 */
export async function workerTarget(inspector) {
  const response = await fetch(`http://${inspector.host}/json/list`);
  const targets = /** @type {{ id: string, webSocketDebuggerUrl?: string }[]} */ (await response.json());
  const target = targets.find((candidate) => candidate.id.startsWith("core:user:"));
  if (!target) throw new Error(`no core:user: target among ${targets.map((t) => t.id).join(", ")}`);
  return target.webSocketDebuggerUrl ?? `ws://${inspector.host}/${target.id}`;
}

/**
 * `perf record` of the whole workerd process (every isolate, local D1's SQLite, the runtime's C++)
 * for `seconds`, at 1 kHz with call graphs, into `file`; resolves when perf has written it.
 * V8's profiler sees one isolate's JavaScript, a quarter to a third of workerd's CPU a read; this
 * sees the rest (docs/benchmarks.md, 2026-12-07: SQLite compiling each read again). Needs `perf`
 * (Debian: linux-perf) and the rights to trace the process.
 * @param {number} pid
 * @param {number} seconds
 * @param {string} file
 */
export async function recordPerf(pid, seconds, file) {
  const args = [
    "record",
    "-q",
    "-F",
    "1000",
    "-g",
    "-p",
    String(pid),
    "-o",
    file,
    "--",
    "sleep",
    String(seconds),
  ];
  const recorded = await run("perf", args, { timeoutMs: (seconds + 60) * 1000 }).catch((error) => {
    throw new Error(`cannot run perf (${error.message}): install it (Debian: apt install linux-perf)`);
  });
  if (recorded.code !== 0) throw new Error(`perf record: ${recorded.stderr.trim()}`);
  return file;
}

/**
 * The symbols of a perf recording by their own samples (no children), as a share and as µs of
 * workerd's CPU a request (`cpuUs` over the recording, spread by share).
 * @param {string} file
 * @param {number} cpuUs
 * @param {number} requests
 * @param {number} [top]
 */
export async function renderPerf(file, cpuUs, requests, top = 30) {
  const args = ["report", "-i", file, "--no-children", "--sort", "dso,sym", "-g", "none", "--stdio"];
  const report = await run("perf", [...args, "--percent-limit", "0.3"], { timeoutMs: 300_000 });
  if (report.code !== 0) throw new Error(`perf report: ${report.stderr.trim()}`);
  const rows = [];
  for (const line of report.stdout.split("\n")) {
    const match = /^\s+([\d.]+)%\s+(\S+)\s+\[.\]\s+(.+)$/.exec(line);
    if (match) rows.push({ share: Number(match[1]), dso: match[2] ?? "", symbol: match[3] ?? "" });
  }
  const perRequest = (/** @type {number} */ share) => (requests > 0 ? (share / 100) * (cpuUs / requests) : 0);
  return [
    `${"share".padStart(6)}  ${"µs/request".padStart(10)}  symbol (dso)`,
    ...rows
      .slice(0, top)
      .map(
        ({ share, dso, symbol }) =>
          `${fixed(share, 1).padStart(5)}%  ${fixed(perRequest(share), 1).padStart(10)}  ${symbol.slice(0, 120)} (${dso})`,
      ),
    `call graphs: perf report -i ${file} --children`,
  ].join("\n");
}
