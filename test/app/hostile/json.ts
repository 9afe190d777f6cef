// JSON helpers of the hostile corpus: raw JSON text that JSON.stringify cannot write (NaN, 10**400,
// exact big integers), bytes (UTF-8, concatenation), and paths inside a JSON body (list, read, set).

// ---------------------------------------------------------------------------------------------
// Raw JSON text: values JSON.stringify cannot write (NaN, 10**400, exact big integers).

export class Raw {
  constructor(readonly text: string) {}
}
export const raw = (text: string) => new Raw(text);

export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, inner: unknown) =>
    inner instanceof Raw ? `\u0000raw:${raws.push(inner.text) - 1}\u0000` : inner,
  );
  return text.replace(/"\\u0000raw:(\d+)\\u0000"/g, (_match, index: string) => raws[Number(index)] ?? "");
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};
export const codePoints = (text: string) => [...text].length;

// ---------------------------------------------------------------------------------------------
// Paths inside a JSON body.

export type Path = (string | number)[];
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const pathName = (path: Path) =>
  path.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");

/** Every path below the root: objects, arrays and leaves. */
export function allPaths(value: Json, prefix: Path = []): Path[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => [[...prefix, i], ...allPaths(item, [...prefix, i])]);
  }
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...allPaths(item, [...prefix, key]),
    ]);
  }
  return [];
}

export function getAt(value: Json, path: Path): Json | undefined {
  let current: Json | undefined = value;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, Json>)[part];
  }
  return current;
}

/** A copy of `value` with `path` replaced by `replacement` (which may be a Raw). */
export function setAt(value: Json, path: Path, replacement: unknown): Json {
  const copy = structuredClone(value);
  let current = copy as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) current = current[part] as Record<string | number, unknown>;
  current[path[path.length - 1] as string | number] = replacement;
  return copy;
}

/** Sets `path` of `body` to `value` in place. */
export function setIn(body: Json, path: Path, value: Json) {
  let current = body as Record<string | number, Json>;
  for (const part of path.slice(0, -1)) current = current[part] as Record<string | number, Json>;
  current[path[path.length - 1] as string | number] = value;
}

/** A copy with every string leaf replaced by `text`. */
export function allStrings(value: Json, text: string): Json {
  if (typeof value === "string") return text;
  if (Array.isArray(value)) return value.map((item) => allStrings(item, text));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, allStrings(item, text)]));
  }
  return value;
}
