// Plain-text tables for stdout.

const isNumeric = (value) =>
  typeof value === "number" || value === "n/a" || value === "" || /^[\d.,×%+-]+$/.test(String(value));

/** Renders rows (arrays of cells) under headers; numeric columns are right-aligned. */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => (cell == null ? "" : String(cell))));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const numeric = headers.map(
    (_, column) => rows.every((row) => row[column] == null || isNumeric(row[column])) && rows.length > 0,
  );
  const line = (row) =>
    row
      .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
      .join("  ")
      .trimEnd();
  return [
    line(cells[0]),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}

export const fixed = (value, digits = 2) =>
  value === null || value === undefined || Number.isNaN(value) ? "n/a" : value.toFixed(digits);

export const int = (value) =>
  value === null || value === undefined ? "n/a" : Math.round(value).toLocaleString("en-US");

export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
