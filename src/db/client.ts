import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";

/** What one request cost in D1, summed from each result's meta; reported in Server-Timing. */
export type DbStats = { queries: number; rowsRead: number; rowsWritten: number; durationMs: number };

export const newDbStats = (): DbStats => ({ queries: 0, rowsRead: 0, rowsWritten: 0, durationMs: 0 });

export type Database = ReturnType<typeof createDb>;

type D1 = D1Database | D1DatabaseSession;

/**
 * `d1` is called at the first query, so that a request that never queries opens no D1 session
 * (the database itself, or a session of it: both have just what drizzle calls, prepare and batch).
 * Without drizzle's relational `schema` (nothing here uses `db.query`): with it, every instance
 * rebuilt the relations of every table, per request (about a tenth of a GET's JavaScript time);
 * without it, an instance is a dialect and a session, a few objects.
 */
export function createDb(d1: () => D1, stats: DbStats) {
  return drizzle(meteredD1(d1, stats));
}

async function timed<T extends D1Result | D1Result[]>(stats: DbStats, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    const result = await run();
    for (const { meta } of Array.isArray(result) ? result : [result]) {
      stats.rowsRead += meta?.rows_read ?? 0;
      stats.rowsWritten += meta?.rows_written ?? 0;
    }
    return result;
  } finally {
    stats.queries += 1;
    stats.durationMs += performance.now() - start;
  }
}

/**
 * A D1 statement that records its result's meta. `raw()` (drizzle's path for selects) returns
 * no meta, so it is answered from `all()`: rows come back as objects keyed by column name, so a
 * query must not select two columns of the same name (drizzle's own batch path has the same rule).
 */
class MeteredStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly stats: DbStats,
  ) {}

  bind(...values: unknown[]) {
    return new MeteredStatement(this.inner.bind(...values), this.stats);
  }

  all<T = Record<string, unknown>>() {
    return timed(this.stats, () => this.inner.all<T>());
  }

  run<T = Record<string, unknown>>() {
    return timed(this.stats, () => this.inner.run<T>());
  }

  async first<T = Record<string, unknown>>(column?: string): Promise<T | null> {
    const { results } = await this.all<Record<string, unknown>>();
    const row = results[0];
    if (!row) return null;
    return (column === undefined ? row : row[column]) as T;
  }

  async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    const { results } = await this.all<Record<string, unknown>>();
    const rows = results.map((row) => Object.values(row));
    if (options?.columnNames) rows.unshift(Object.keys(results[0] ?? {}));
    return rows as T[];
  }
}

/** Only what drizzle calls, prepare and batch. */
function meteredD1(d1: () => D1, stats: DbStats): D1Database {
  const metered = {
    prepare: (query: string) => new MeteredStatement(d1().prepare(query), stats),
    batch: (statements: MeteredStatement[]) =>
      timed(stats, () => d1().batch(statements.map((statement) => statement.inner))),
  };
  return metered as unknown as D1Database;
}

/** A batch of any number of statements (drizzle types only literal tuples): one transaction, in order. */
export function batch(db: Database, statements: BatchItem<"sqlite">[]): Promise<unknown[]> {
  return db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]) as Promise<unknown[]>;
}

/** The first row of the last statement's result (its RETURNING or SELECT), if any. */
export const lastRow = <T>(results: unknown[]): T | undefined => (results.at(-1) as T[] | undefined)?.[0];

/** drizzle wraps D1's error ("Failed query: …"), so the database's message is in the cause chain. */
export function causedBy(error: unknown, message: string): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause.message.includes(message)) return true;
  }
  return false;
}
