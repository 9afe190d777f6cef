// Plain-text tables for stdout.

/** @typedef {string | number | null | undefined} Cell a table cell; null and undefined are shown empty */

/** @param {Cell} value */
const isNumeric = (value) =>
  typeof value === "number" || value === "n/a" || value === "" || /^[\d.,×%+-]+$/.test(String(value));

/**
 * Renders rows (arrays of cells) under headers; numeric columns are right-aligned.
 * @param {string[]} headers
 * @param {Cell[][]} rows
 */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => (cell == null ? "" : String(cell))));
  const widths = headers.map((_, column) =>
    Math.max(...cells.map((row) => /** @type {string} */ (row[column]).length)),
  );
  const numeric = headers.map(
    (_, column) => rows.every((row) => row[column] == null || isNumeric(row[column])) && rows.length > 0,
  );
  /** @param {string[]} row */
  const line = (row) =>
    row
      .map((cell, column) =>
        numeric[column]
          ? cell.padStart(/** @type {number} */ (widths[column]))
          : cell.padEnd(/** @type {number} */ (widths[column])),
      )
      .join("  ")
      .trimEnd();
  return [
    line(/** @type {string[]} */ (cells[0])),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}

/**
 * @param {number | null | undefined} value
 * @param {number} [digits]
 */
export const fixed = (value, digits = 2) =>
  value === null || value === undefined || Number.isNaN(value) ? "n/a" : value.toFixed(digits);

/** @param {number | null | undefined} value */
export const int = (value) =>
  value === null || value === undefined ? "n/a" : Math.round(value).toLocaleString("en-US");

/** @param {number} ms */
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
