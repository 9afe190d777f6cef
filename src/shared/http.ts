import type { Context } from "hono";
import type { AppEnv } from "../env";
import { sha256Base64url } from "../lib/crypto";
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
export const contentEtag = async (text: string) => `"${await sha256Base64url(text, 16)}"`;
