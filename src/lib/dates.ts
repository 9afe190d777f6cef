// Dates and date-times as the API takes them (availability and novelty windows, list filters).

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A date (`2026-11-22`, midnight UTC) or an RFC 3339 date-time, as epoch milliseconds. */
export function parseDateOrDateTime(value: string): number | undefined {
  if (!DATE.test(value) && !DATE_TIME.test(value)) return undefined;
  const time = Date.parse(DATE.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(time)) return undefined;
  // Date.parse rolls 2026-02-31 over to March: refuse dates that do not exist.
  const day = new Date(time).toISOString().slice(0, 10);
  return DATE.test(value) && day !== value ? undefined : time;
}

/**
 * The last millisecond a date or date-time covers: a date (`2026-12-31`) runs to the end of that
 * day in UTC, a date-time is its own instant. With parseDateOrDateTime as the first, this makes a
 * `from`/`to` pair an inclusive window.
 */
export function lastMillisecondOf(value: string): number | undefined {
  const time = parseDateOrDateTime(value);
  if (time === undefined) return undefined;
  return DATE.test(value) ? time + 24 * 60 * 60 * 1000 - 1 : time;
}
