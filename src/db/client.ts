import { AsyncLocalStorage } from "node:async_hooks";
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";

/** What one request cost in D1, summed from each result's meta; reported in Server-Timing. */
export type DbStats = { queries: number; rowsRead: number; rowsWritten: number; durationMs: number };

export const newDbStats = (): DbStats => ({ queries: 0, rowsRead: 0, rowsWritten: 0, durationMs: 0 });

type D1 = D1Database | D1DatabaseSession;

/** Where a query runs: the D1 to send it to (called at the first query) and the meter it adds to. */
type DbScope = { d1: () => D1; stats: DbStats };

const scopes = new AsyncLocalStorage<DbScope>();

function currentScope(): DbScope {
  const scope = scopes.getStore();
  if (!scope) throw new Error("A D1 query ran outside withDb: there is no database to send it to.");
  return scope;
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
 * SQLite reads some bound values while it plans a statement, and then compiles the statement again
 * whenever such a value is bound anew: D1 binds on every run, so each run paid a parse and a plan
 * (sqlite3Reprepare under sqlite3_step in a profile of the whole workerd, docs/benchmarks.md).
 * A LIMIT is one (drizzle sends ` limit ?`): a statement ending in a bound integer LIMIT is sent with
 * the integer written in its text instead, one text per limit, each compiled once and kept by D1.
 */
function withLiteralLimit(text: string, values: unknown[]): [string, unknown[]] {
  const limit = values.at(-1);
  if (!text.endsWith(" limit ?") || !Number.isSafeInteger(limit)) return [text, values];
  return [`${text.slice(0, -1)}${limit}`, values.slice(0, -1)];
}

/**
 * A statement that is SQL and its values until it runs: then it is prepared on the D1 of the
 * scope it runs in and its result's meta is metered there. So a query drizzle built (or prepared)
 * once serves every request. `raw()` (drizzle's path for selects) returns no meta, so it is
 * answered from `all()`: rows come back as objects keyed by column name, so a query must not
 * select two columns of the same name (drizzle's own batch path has the same rule).
 */
class ScopedStatement {
  constructor(
    private readonly sql: string,
    private readonly values: unknown[] = [],
  ) {}

  bind(...values: unknown[]) {
    return new ScopedStatement(this.sql, values);
  }

  on(d1: D1) {
    const [text, values] = withLiteralLimit(this.sql, this.values);
    return d1.prepare(text).bind(...values);
  }

  all<T = Record<string, unknown>>() {
    const { d1, stats } = currentScope();
    return timed(stats, () => this.on(d1()).all<T>());
  }

  run<T = Record<string, unknown>>() {
    const { d1, stats } = currentScope();
    return timed(stats, () => this.on(d1()).run<T>());
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

/**
 * A bound value written `+?`: the same value to the query, one SQLite's planner does not read. It
 * reads the values of equalities in a statement with an ORDER BY (`org_id = ? AND status = ? …
 * ORDER BY id`: a list page) and so compiles it again on every run (see withLiteralLimit); with
 * `+?` it uses the same index and reads the same rows, compiled once.
 */
export const unplanned = (value: unknown): SQL => sql`+${value}`;

/** Only what drizzle calls, prepare and batch, both answered in the current scope. */
const scopedD1 = {
  prepare: (sql: string) => new ScopedStatement(sql),
  batch: (statements: ScopedStatement[]) => {
    const { d1, stats } = currentScope();
    const database = d1();
    return timed(stats, () => database.batch(statements.map((statement) => statement.on(database))));
  },
} as unknown as D1Database;

/**
 * The isolate's one drizzle instance, built at load, never per request: its queries run on the
 * D1 of the withDb they run in. Without drizzle's relational `schema` (nothing here uses
 * `db.query`): with it, an instance rebuilt the relations of every table.
 */
export const db = drizzle(scopedD1);

export type Database = typeof db;

/**
 * Runs `work` with every query in it (awaited there or not: the scope follows its promises) sent
 * to `d1` and metered into `stats`. `d1` is called at the first query, so that work that never
 * queries opens no D1 session (the database itself, or a session of it).
 */
export function withDb<T>(d1: () => D1, stats: DbStats, work: () => T): T {
  return scopes.run({ d1, stats }, work);
}

/** Runs `work` on the primary (queries outside a D1 session go there), as the crons and the queue consumer do. */
export function onPrimary<T>(env: { DB: D1Database }, work: (db: Database) => Promise<T>): Promise<T> {
  return withDb(
    () => env.DB,
    newDbStats(),
    () => work(db),
  );
}

/** At most this many shapes of one query are kept prepared an isolate; past it they are built anew. */
const MAX_SHAPES = 256;

/**
 * A hot query built once per drizzle instance (there is one an isolate) and per shape, then run
 * with each request's values through its `sql.placeholder`s: building a select is most of
 * drizzle's time in a read (docs/benchmarks.md). `shape` is what the query's SQL depends on (which
 * filters a request has, never their values), as plain JSON: its JSON text names the query.
 */
export function preparedPerShape<S, Q>(build: (db: Database, shape: S) => Q): (db: Database, shape: S) => Q {
  const built = new WeakMap<Database, Map<string, Q>>();
  return (db, shape) => {
    let shapes = built.get(db);
    if (shapes === undefined) {
      shapes = new Map();
      built.set(db, shapes);
    }
    const key = JSON.stringify(shape);
    let query = shapes.get(key);
    if (query === undefined) {
      query = build(db, shape);
      if (shapes.size >= MAX_SHAPES) shapes.clear();
      shapes.set(key, query);
    }
    return query;
  };
}

/** preparedPerShape for a query of one shape. */
export function preparedOnce<Q>(build: (db: Database) => Q): (db: Database) => Q {
  const query = preparedPerShape((db, _shape: null) => build(db));
  return (db) => query(db, null);
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
