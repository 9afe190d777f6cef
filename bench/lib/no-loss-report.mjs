// What bench/no-loss.mjs prints: progress on stderr; on stdout the report, each phase's figures
// (from what bench/lib/no-loss-checks.mjs returns), the 5xx, 429 and connection errors, the checks
// and the one-line summary. And Stats, which every response of a phase is recorded in.

import { percentile } from "./load.mjs";

/**
 * @import { Answer } from "./load.mjs"
 * @import { auditWrites, phase1, phase2, phase3 } from "./no-loss-checks.mjs"
 */
/** @typedef {Answer & { ms: number }} Timed an answer and its latency, ms */
/**
 * A response kept in full (a 5xx, a 429, a connection error).
 * @typedef {{ phase: string, type: string, request: string, status: number, request_id: string | null | undefined, body: string }} Seen
 */
/** @typedef {{ statuses: Map<number, number>, latencies: number[], server: number[] }} TypeStats */
/** @typedef {{ name: string, ok: boolean, detail: string }} CheckResult */

/** @param {string} line */
export const progress = (line) => process.stderr.write(`no-loss: ${line}\n`);

/** @param {number | null} value ms; `-` when there is none (null, NaN) */
export const ms = (value) => (value === null || Number.isNaN(value) ? "-" : value.toFixed(1));

/** @param {Map<number, number>} counts status (0: no answer) → count */
export const statusLine = (counts) =>
  [...counts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status === 0 ? "network error" : status}: ${count}`)
    .join(", ");

/** Every response of a phase: statuses and latencies per request type, 5xx and 429 kept in full. */
export class Stats {
  /** @param {string} name */
  constructor(name) {
    this.name = name;
    /** @type {Map<string, TypeStats>} */
    this.types = new Map();
    /** @type {Map<number, number>} */
    this.statuses = new Map();
    /** @type {number[]} */
    this.latencies = [];
    /** @type {number[]} */
    this.server = [];
    /** @type {Seen[]} */
    this.serverErrors = [];
    /** @type {Seen[]} */
    this.rateLimited = [];
    /** @type {Seen[]} */
    this.networkErrors = [];
  }
  /**
   * @param {string} type
   * @param {string} method
   * @param {string} path
   * @param {Timed} result
   */
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
    /** @type {Seen} */
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

/**
 * @param {string} base
 * @param {string} orgId
 * @param {number} requests the admin requests: the org's and one per key
 */
export const setupLine = (base, orgId, requests) =>
  `no-loss: wrangler dev on ${base}, org ${orgId}, ${requests} admin requests (1 org, ${requests - 1} keys)`;

/**
 * @param {{ length: number }} listed
 * @param {Set<string>} expectedIds
 */
export const countLine = (listed, expectedIds) =>
  `  product count: ${listed.length} listed, ${expectedIds.size} expected`;

/** @param {Awaited<ReturnType<typeof phase1>>} result */
export function phase1Lines({
  writers,
  goal,
  tally,
  startVersion,
  finalValue,
  finalVersion,
  finished,
  elapsed,
}) {
  return [
    "Phase 1: If-Match read-modify-write increments of props.counter of one product",
    `  writers: ${writers} (one key each), ${goal} acknowledged increments each as the goal`,
    `  attempts (PATCH with If-Match): ${tally.attempts}; 412 precondition_failure: ${tally.conflicts}; ` +
      `successes (200): ${tally.successes}; GETs: ${tally.gets}; other answers: ${tally.other.length}`,
    `  final props.counter: ${finalValue}; version ${startVersion} → ${finalVersion} (+${finalVersion - startVersion})`,
    `  writers that reached ${goal}: ${finished}/${writers}; time ${elapsed.toFixed(1)} s; ` +
      `${(tally.successes / elapsed).toFixed(1)} increments/s`,
    ...tally.other.slice(0, 5).map((line) => `  other answer: ${line}`),
    ...tally.wrong.slice(0, 5).map((line) => `  wrong 200: ${line}`),
  ];
}

/** @param {Awaited<ReturnType<typeof phase2>>} result */
export function phase2Lines({
  stats,
  creates,
  inUse,
  rounds,
  elapsed,
  statuses,
  ids,
  replayed,
  original,
  tagged,
}) {
  return [
    "Phase 2: concurrent creates with one Idempotency-Key and body (one key)",
    `  requests: ${stats.requests - 1} (${creates} first tries, ${inUse} retries after 409 idempotency_key_in_use), ` +
      `at most ${rounds} tries per create; time ${elapsed.toFixed(1)} s`,
    `  statuses of all tries: ${statusLine(/** @type {TypeStats} */ (stats.types.get("create")).statuses)}`,
    `  final responses: ${statusLine(statuses)}; distinct product ids: ${ids.size}; ` +
      `Idempotent-Replayed: true on ${replayed}, absent on ${original}`,
    `  products with the create's tag: ${tagged}`,
  ];
}

/** @param {Awaited<ReturnType<typeof phase3>>} result */
export function phase3Lines(result) {
  const { stats, lanes, elapsed, counts } = result;
  const lines = [
    `Phase 3: steady mixed load, ${result.seconds} s at a target of ${result.rate} requests/s`,
    `  lanes: ${lanes.secret} secret keys (one request every ${lanes.secretInterval.toFixed(0)} ms each), ` +
      `${lanes.storefront} publishable keys (every ${lanes.storefrontInterval.toFixed(0)} ms each); ` +
      `at most ${lanes.maxInFlight} in flight per lane (waits for a free slot: ${lanes.lateStarts})`,
  ];
  const all = [...stats.latencies].sort((a, b) => a - b);
  lines.push(
    `  requests: ${stats.requests} in ${elapsed.toFixed(1)} s = ${(stats.requests / elapsed).toFixed(1)} requests/s; ` +
      `latency p50 ${ms(percentile(all, 0.5))} ms, p99 ${ms(percentile(all, 0.99))} ms, max ${ms(all[all.length - 1] ?? Number.NaN)} ms`,
  );
  const server = [...stats.server].sort((a, b) => a - b);
  lines.push(
    `  time inside the Worker (Server-Timing total, ${server.length} responses): p50 ${ms(percentile(server, 0.5))} ms, ` +
      `p99 ${ms(percentile(server, 0.99))} ms`,
  );
  lines.push(`  statuses: ${statusLine(stats.statuses)}`);
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
      // each type has a response
      ms(/** @type {number} */ (sorted[sorted.length - 1])),
      ms(percentile(server, 0.5)),
      ms(percentile(server, 0.99)),
    ]);
  }
  const header = /** @type {string[]} */ (rows[0]);
  const widths = header.map((_, column) =>
    Math.max(...rows.map((row) => /** @type {string} */ (row[column]).length)),
  );
  for (const row of rows) {
    lines.push(
      `  ${row.map((cell, column) => (column <= 2 ? cell.padEnd(/** @type {number} */ (widths[column])) : cell.padStart(/** @type {number} */ (widths[column])))).join("  ")}`,
    );
  }
  lines.push(
    `  products: ${counts.created} created (201), ${counts.deleted} deleted (200), ${counts.left} left; ` +
      `${counts.pendingDeletes} deletes without a 200`,
  );
  for (const item of result.unexpected.slice(0, 10)) lines.push(`  unexpected: ${JSON.stringify(item)}`);
  return lines;
}

/** @param {ReturnType<typeof auditWrites>} result */
export const writesLine = ({ checked, patches, adjusted }) =>
  `  live products checked: ${checked}: ${patches} acknowledged props keys, ${adjusted} with adjusted stock`;

/**
 * The 5xx, 429 and connection errors, and the wrangler dev log's error lines when it is given.
 * @param {Seen[]} problems
 * @param {string[] | undefined} log
 */
export function problemLines(problems, log) {
  const lines = [];
  if (problems.length > 0) {
    lines.push("", "5xx, 429 and connection errors (first 10):");
    for (const problem of problems.slice(0, 10)) lines.push(`  ${JSON.stringify(problem)}`);
  }
  if (log) {
    lines.push("wrangler dev log, lines with error/exception (last 40):");
    for (const line of log) lines.push(`  ${line}`);
  }
  return lines;
}

/**
 * Every check, then the summary line.
 * @param {CheckResult[]} checks
 * @param {number} requests
 * @param {number} elapsedMs
 */
export function closingLines(checks, requests, elapsedMs) {
  const failed = checks.filter((item) => !item.ok);
  return [
    "",
    "Checks:",
    ...checks.map(
      (item) => `  ${item.ok ? "✓" : "✗"} ${item.name}${item.detail && !item.ok ? `: ${item.detail}` : ""}`,
    ),
    "",
    `no-loss: ${checks.length - failed.length} passed, ${failed.length} failed; ${requests} requests; ` +
      `${(elapsedMs / 1000).toFixed(1)} s in all`,
  ];
}
