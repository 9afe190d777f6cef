import type { Failure } from "./errors";

type Issue = { code: string; path: PropertyKey[]; message: string; keys?: string[] };

/** `prices[0].currency`, `localizations.pt-BR.name`; the whole body is `body`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out === "" ? "body" : out;
}

/**
 * Zod issues as the API's failures: one entry per failing field, unknown keys each named (as a
 * `field` of a body, or a `query parameter`).
 */
export function issuesToFailures(
  issues: readonly Issue[],
  prefix: PropertyKey[] = [],
  unknownKey: "field" | "query parameter" = "field",
): Failure[] {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys" && issue.keys) {
      for (const key of issue.keys) {
        byField.set(fieldPath([...prefix, ...issue.path, key]), `Unknown ${unknownKey} '${key}'.`);
      }
      continue;
    }
    const field = fieldPath([...prefix, ...issue.path]);
    if (!byField.has(field)) byField.set(field, issue.message);
  }
  return [...byField].map(([field, message]) => ({ field, message }));
}
