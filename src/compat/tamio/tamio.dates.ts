import { z } from "@hono/zod-openapi";
import { lastMillisecondOf, parseDateOrDateTime } from "../../lib/dates";

// Tamio's dates (its appendix): Unix seconds, or `2022-10-20 23:42:05 +0000` (a date, a time and a
// ±HHMM offset); its answers give both, in UTC. Stored as RFC 3339 date-times in UTC.

/** 9999-12-31 23:59:59 UTC: the last second RFC 3339 can write. */
export const MAX_UNIX = 253_402_300_799;

const TAMIO_DATE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** A `YYYY-MM-DD HH:MM:SS ±HHMM` that exists, as epoch milliseconds; undefined otherwise. */
export function parseTamioDate(value: string): number | undefined {
  const match = TAMIO_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 8, 9].map(
    (group) => Number(match[group]),
  ) as [number, number, number, number, number, number, number, number];
  const sign = match[7] === "-" ? -1 : 1;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2023-02-31 over to March: refuse days that do not exist.
  const shown = new Date(local);
  if (shown.getUTCFullYear() !== year || shown.getUTCMonth() !== month - 1 || shown.getUTCDate() !== day)
    return undefined;
  const time = local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return time < 0 || time > MAX_UNIX * 1000 ? undefined : time;
}

const DATE_MESSAGE = `Unix seconds (0 … ${MAX_UNIX}) or 'YYYY-MM-DD HH:MM:SS +0000' (a time that exists).`;

/** A date as Tamio sends one. */
export const TamioDate = z
  .union(
    [
      z.int().min(0).max(MAX_UNIX).openapi({ description: "Unix seconds.", example: 1666309325 }),
      z
        .string()
        .refine((value) => parseTamioDate(value) !== undefined, { message: DATE_MESSAGE })
        .openapi({
          pattern: "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}$",
          example: "2022-10-20 23:42:05 +0000",
          description: "A date, a time and its UTC offset.",
        }),
    ],
    { error: DATE_MESSAGE },
  )
  .openapi({ description: DATE_MESSAGE });

export type TamioDate = z.output<typeof TamioDate>;

/** A Tamio date as the /v1 field stores it: an RFC 3339 date-time in UTC, whole seconds. */
export function storedDate(value: TamioDate): string {
  const time = typeof value === "number" ? value * 1000 : (parseTamioDate(value) as number);
  return new Date(time).toISOString().replace(".000Z", "Z");
}

/** Unix seconds as Tamio writes them: `2022-10-20 23:42:05 +0000`. */
export const tamioText = (seconds: number) => {
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;
};

/**
 * A stored date or date-time as Tamio answers it (text and Unix seconds, or both null): its first
 * second, or for the end of a window (`end`) its last, since a date set through /v1 covers its day.
 */
export function answeredDate(
  stored: string | null,
  end = false,
): { text: string | null; unix: number | null } {
  const time = stored === null ? undefined : end ? lastMillisecondOf(stored) : parseDateOrDateTime(stored);
  if (time === undefined) return { text: null, unix: null };
  const unix = Math.floor(time / 1000);
  return { text: tamioText(unix), unix };
}
