// The report of a run: the one summary line (counts by status, error key, kind of edge case, the
// products created, deleted and checked) and the violations grouped by problem with an example each.

import { state, type Violation } from "./state";

/** Statuses of the inputs whose answer the contract leaves open or pins to one key, by kind (all operations). */
function edgeCases() {
  const kinds = [
    "utf8_bom",
    "duplicate_keys",
    "duplicate_keys_conflicting",
    "invalid_utf8",
    "body_exactly_1MiB",
    "body_1MiB_plus_1",
    "nested_10000",
    "array_10000",
    "raw",
    "wrong_content_type",
    "missing_content_type",
    "prototype_key",
    "big_header",
    "big_query",
    "concurrent_without_if_match",
  ];
  const out: Record<string, Record<string, number>> = {};
  for (const [kind, statuses] of Object.entries(state.stats.byKind)) {
    const group = kinds.find((prefix) => kind === prefix || kind.startsWith(`${prefix}_`));
    if (!group) continue;
    for (const [status, count] of Object.entries(statuses)) {
      out[group] ??= {};
      out[group][status] = (out[group][status] ?? 0) + count;
    }
  }
  return out;
}

/** The counts of the run, for the one summary line afterAll prints. */
export function summary() {
  const { stats } = state;
  return {
    requests_sent: stats.requests,
    hostile_inputs: stats.hostile,
    verification_reads: stats.verification,
    fixture_requests: stats.setup,
    keys_created: state.keysCreated,
    write_operations: state.writeOperations.length,
    by_status: stats.byStatus,
    by_error_key: stats.byKey,
    "5xx": stats.fiveXX,
    violations: state.violations.length,
    products: {
      created: state.createdProducts.size,
      deleted: state.deletedProducts.size,
      rows_checked: stats.rowsChecked,
    },
    round_trips_checked: stats.roundTrips,
    edge_cases: edgeCases(),
    duration_ms: Date.now() - stats.started,
  };
}

/** Violations grouped by problem, with a count and the first request that shows each. */
export function grouped() {
  const groups = new Map<string, { count: number; first: Violation }>();
  for (const violation of state.violations) {
    const key = `${violation.op} | ${violation.kind} | ${violation.problem}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { count: 1, first: violation });
  }
  return [...groups.entries()].map(([key, { count, first }]) => ({
    violation: key,
    count,
    example: `${first.request} → ${first.status} ${first.response}`,
  }));
}
