// One scenario = one autocannon run of fixed duration against 127.0.0.1. Latencies are taken
// from every response (autocannon's own histogram has 1 ms resolution, too coarse for sub-ms
// requests), and the Worker's Server-Timing `db` entry is averaged over every ok (by default 2xx) response.
// Pacer keeps one api key's requests under the per-key rate limit (no-loss.mjs, faults.mjs).
import autocannon from "autocannon";

/** @import { Headers as ResponseHeaders, Request as CannonRequest, Result as CannonResult } from "autocannon" */

const DB_TIMING = /db;dur=([\d.]+);desc="rows_read=(\d+) rows_written=(\d+) queries=(\d+)"/;
const TOTAL_TIMING = /total;dur=([\d.]+)/;

/**
 * What requestJson resolves with: a response's status, headers, text and JSON (`body`, undefined
 * when the text is not JSON), or status 0 and the `error` when no answer came. `T` is the JSON the
 * caller expects (nothing checks it).
 * @template [T=unknown]
 * @typedef {{ status: number, headers: Headers, text: string, body: T | undefined, error?: undefined }
 *   | { status: 0, error: unknown, headers?: undefined, text?: undefined, body?: undefined }} Answer
 */

/**
 * One JSON request with an api key; never throws: `{status, headers, text, body}` (body undefined
 * when the answer is not JSON), or `{status: 0, error}` when no answer came (no-loss.mjs, faults.mjs).
 * @param {string} url
 * @param {string} key
 * @param {string} method
 * @param {{ body?: unknown, headers?: Record<string, string> }} [options] `body` is sent as JSON
 * @returns {Promise<Answer>}
 */
export async function requestJson(url, key, method, { body, headers = {} } = {}) {
  try {
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    /** @type {unknown} */
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: json };
  } catch (error) {
    return { status: 0, error };
  }
}

/**
 * A response header of autocannon's (or Object.fromEntries(response.headers)), by its lower-case name.
 * @param {ResponseHeaders | undefined} headers
 * @param {string} name
 */
export function header(headers, name) {
  const key = Object.keys(headers ?? {}).find((candidate) => candidate.toLowerCase() === name);
  if (key === undefined) return undefined;
  const value = /** @type {ResponseHeaders} */ (headers)[key];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * The nearest-rank percentile; null when there is none.
 * @param {number[]} sorted ascending
 * @param {number} p in (0, 1]
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return /** @type {number} */ (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]
  );
}

/**
 * @param {number | null} value
 * @param {number} [digits]
 */
const round = (value, digits = 2) => (value === null ? null : Number(value.toFixed(digits)));

/** @typedef {Omit<CannonRequest, "setupRequest" | "onResponse">} ScenarioRequest one request, as autocannon sends it */
/** @typedef {Record<string, unknown>} ScenarioContext autocannon's per-connection context */

/**
 * A scenario: { name, method?, path?, headers?, body?, setup?(request) → request,
 * onResponse?(status, headers, context), okStatuses?: number[] (default 2xx), softStatuses?: number[]
 * (counted apart, neither ok nor error, e.g. 412), bodyOk?(body: string) → boolean (an ok status whose
 * body fails it is an error, e.g. a create whose image fetches failed) }. The rest are bench/run.mjs's:
 * the `label` of the path in the report, the `probeStatus` of its probe request (default 2xx) and
 * `expect`, the check of the probe's JSON; `noDb` when no Server-Timing db entry is expected; and
 * `prepare`, awaited just before the scenario runs.
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} [method]
 * @property {string} [path]
 * @property {string} [label]
 * @property {Record<string, string>} [headers]
 * @property {string} [body]
 * @property {(request: ScenarioRequest, context: ScenarioContext) => ScenarioRequest} [setup]
 * @property {(status: number, headers: ResponseHeaders, context: ScenarioContext) => void} [onResponse]
 * @property {number[]} [okStatuses]
 * @property {number[]} [softStatuses]
 * @property {(body: string) => boolean} [bodyOk]
 * @property {number} [probeStatus]
 * @property {ScenarioExpect} [expect]
 * @property {boolean} [noDb]
 * @property {() => Promise<void>} [prepare]
 */
/**
 * The probe's check of the JSON it got: each scenario states the shape it expects (a method, so that
 * a check may take its own type of body).
 * @typedef {{ check(body: unknown): boolean }["check"]} ScenarioExpect
 */

/**
 * @param {Scenario} scenario
 * @param {(status: number, headers: ResponseHeaders, body: string) => void} [record]
 * @returns {CannonRequest}
 */
function autocannonRequest(scenario, record) {
  /** @type {CannonRequest} */
  const request = {
    method: scenario.method ?? "GET",
    path: scenario.path ?? "/",
    headers: scenario.headers ?? {},
  };
  if (scenario.body !== undefined) request.body = scenario.body;
  if (scenario.setup)
    request.setupRequest = (req, context) =>
      /** @type {NonNullable<Scenario["setup"]>} */ (scenario.setup)(req, context);
  request.onResponse = (status, body, context, headers) => {
    scenario.onResponse?.(status, headers, context);
    record?.(status, headers, body);
  };
  return request;
}

/**
 * @param {string} base
 * @param {Scenario} scenario
 * @param {{ duration: number, connections: number }} options
 * @param {(status: number, headers: ResponseHeaders, body: string) => void} [record]
 * @param {number[]} [latencies] every response's time, ms
 * @returns {Promise<CannonResult>}
 */
async function cannon(base, scenario, { duration, connections }, record, latencies) {
  const instance = autocannon({
    url: base,
    connections,
    duration,
    pipelining: 1,
    timeout: 10,
    requests: [autocannonRequest(scenario, record)],
  });
  if (latencies) instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
  return await instance;
}

/**
 * Warms up (not measured), then runs the scenario for `duration` seconds and summarises it.
 * @param {string} base
 * @param {Scenario} scenario
 * @param {{ duration: number, connections: number, warmup: number }} options seconds, connections, seconds
 */
export async function runScenario(base, scenario, { duration, connections, warmup }) {
  if (warmup > 0) await cannon(base, scenario, { duration: warmup, connections });
  /** @type {number[]} */
  const latencies = [];
  const timing = { samples: 0, rowsRead: 0, rowsWritten: 0, queries: 0, dbMs: 0, totalMs: 0 };
  let badBodies = 0;
  /** @param {number} code */
  const isOk = (code) =>
    scenario.okStatuses ? scenario.okStatuses.includes(code) : code >= 200 && code <= 299;
  /** @type {(status: number, headers: ResponseHeaders, body: string) => void} */
  const record = (status, headers, body) => {
    if (!isOk(status)) return;
    if (scenario.bodyOk && !scenario.bodyOk(body)) {
      badBodies += 1;
      return;
    }
    const value = header(headers, "server-timing");
    const db = value && DB_TIMING.exec(value);
    if (!db) return;
    timing.samples += 1;
    timing.dbMs += Number(db[1]);
    timing.rowsRead += Number(db[2]);
    timing.rowsWritten += Number(db[3]);
    timing.queries += Number(db[4]);
    const total = TOTAL_TIMING.exec(value);
    if (total) timing.totalMs += Number(total[1]);
  };
  const result = await cannon(base, scenario, { duration, connections }, record, latencies);
  latencies.sort((a, b) => a - b);

  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
  );
  const soft = scenario.softStatuses ?? [];
  let ok = 0;
  let softCount = 0;
  let bad = 0;
  for (const [code, count] of Object.entries(statuses)) {
    if (isOk(Number(code))) ok += count;
    else if (soft.includes(Number(code))) softCount += count;
    else bad += count;
  }
  // 2xx answers whose body says the request only partly worked
  ok -= badBodies;
  bad += badBodies;
  /** @param {number} sum */
  const per = (sum) => (timing.samples > 0 ? sum / timing.samples : null);
  return {
    scenario: scenario.name,
    request: `${scenario.method ?? "GET"} ${scenario.label ?? scenario.path}`,
    duration_s: result.duration,
    connections,
    requests: result.requests.total,
    rps: round(result.requests.total / result.duration, 1),
    latency_ms: {
      p50: round(percentile(latencies, 0.5), 3),
      p90: round(percentile(latencies, 0.9), 3),
      p99: round(percentile(latencies, 0.99), 3),
      max: round(latencies[latencies.length - 1] ?? null, 3),
    },
    ok,
    // non-2xx responses other than the soft ones, 2xx ones that fail bodyOk, plus connection errors and timeouts
    errors: bad + result.errors,
    bad_bodies: scenario.bodyOk ? badBodies : undefined,
    soft_statuses: soft.length > 0 ? softCount : undefined,
    timeouts: result.timeouts,
    statuses,
    server_timing:
      timing.samples > 0
        ? {
            samples: timing.samples,
            rows_read: round(per(timing.rowsRead)),
            rows_written: round(per(timing.rowsWritten)),
            queries: round(per(timing.queries)),
            db_ms: round(per(timing.dbMs), 3),
            total_ms: round(per(timing.totalMs), 3),
          }
        : null,
  };
}

/** @typedef {Awaited<ReturnType<typeof runScenario>>} ScenarioResult */

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * Spaces one key's requests: at least `intervalMs` between starts (unless `burst`), and at most
 * `perWindow` in each clock-aligned window, as the server's limiter counts them.
 */
export class Pacer {
  #chain = Promise.resolve();
  #next = 0;
  #window = -1;
  #count = 0;
  /**
   * @param {number} intervalMs
   * @param {number} perWindow
   * @param {number} windowMs
   */
  constructor(intervalMs, perWindow, windowMs) {
    this.intervalMs = intervalMs;
    this.perWindow = perWindow;
    this.windowMs = windowMs;
  }
  /** @returns {Promise<void>} */
  take(burst = false) {
    const turn = this.#chain.then(async () => {
      for (;;) {
        const now = Date.now();
        if (!burst && this.#next > now) {
          await sleep(this.#next - now);
          continue;
        }
        const window = Math.floor(now / this.windowMs);
        if (window !== this.#window) {
          this.#window = window;
          this.#count = 0;
        }
        if (this.#count >= this.perWindow) {
          await sleep((window + 1) * this.windowMs - now + 1);
          continue;
        }
        this.#count += 1;
        this.#next = now + this.intervalMs;
        return;
      }
    });
    this.#chain = turn;
    return turn;
  }
}
