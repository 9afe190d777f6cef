import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/** What a client requires of the current version: `If-Match` as versions, or any (`*`). */
export type VersionCondition = { versions: number[] } | "any" | undefined;

export const etag = (version: number) => `"${version}"`;

/** The headers of an answer that is one version of a resource (a product). */
export const versionHeaders = (version: number) => ({ ETag: etag(version) });

/** Where this API is served from, for absolute urls (images, events). */
export const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;

/** If-Match as a version condition: `*`, or the strong ETags listed (weak or malformed ones never match). */
export function parseIfMatch(header: string | undefined): VersionCondition {
  if (header === undefined) return undefined;
  if (header.trim() === "*") return "any";
  const versions: number[] = [];
  for (const tag of header.split(",")) {
    const match = /^\s*"(\d{1,15})"\s*$/.exec(tag);
    if (match?.[1]) versions.push(Number(match[1]));
  }
  return { versions };
}

/** If-None-Match against the current entity tag (`"…"`), compared weakly as RFC 9110 says. */
export function noneMatch(header: string | undefined, current: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === current);
}

export const preconditionFailed = (currentVersion: number) =>
  new ApiError("precondition_failure", {
    message: `If-Match does not match the current version (${currentVersion}).`,
    headers: { ETag: etag(currentVersion) },
    extra: { current_version: currentVersion },
  });

/**
 * A strong ETag of the bytes themselves (128 bits of their SHA-256), for a representation that is
 * more than one stored version: a projection, a locale, a time window.
 */
export async function contentEtag(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return `"${base64url(digest.subarray(0, 16))}"`;
}

const encoder = new TextEncoder();
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Unpadded base64url, by table: every storefront answer's ETag is one. */
function base64url(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const group = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) text += BASE64URL[(group >> (18 - 6 * k)) & 63];
  }
  return text;
}
