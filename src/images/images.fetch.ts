import { type SniffedImage, sniffImage } from "../lib/image-sniff";
import { readAtMost } from "../lib/read-at-most";
import { checkFetchUrl } from "../lib/url-safety";

/** The reasons an image URL can fail, as `image_errors[].key` names them (the contract, Images). */
export type ImageErrorKey =
  | "fetch_failed"
  | "http_status"
  | "timeout"
  | "too_large"
  | "not_an_image"
  | "blocked_url"
  | "too_many_redirects";

export type ImageError = { url: string; key: ImageErrorKey; message: string };

export type FetchedImage = { bytes: Uint8Array; image: SniffedImage };

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const IMAGE_FETCH_TIMEOUT_MS = 10_000;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

class ImageFetchError extends Error {
  constructor(
    readonly key: ImageErrorKey,
    message: string,
  ) {
    super(message);
  }
}

/** GETs the URL, following at most MAX_REDIRECTS redirects, each checked by the same rules first. */
async function follow(start: URL, allowedHosts: ReadonlySet<string>, signal: AbortSignal): Promise<Response> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const response = await fetch(url, {
      redirect: "manual",
      signal,
      headers: { Accept: "image/avif,image/webp,image/png,image/jpeg,image/gif" },
    });
    if (!REDIRECTS.has(response.status)) return response;
    await response.body?.cancel().catch(() => {});
    if (redirects === MAX_REDIRECTS) {
      throw new ImageFetchError("too_many_redirects", `More than ${MAX_REDIRECTS} redirects.`);
    }
    const location = response.headers.get("Location");
    if (location === null) {
      throw new ImageFetchError("http_status", `The server answered ${response.status} with no Location.`);
    }
    let next: string;
    try {
      next = new URL(location, url).href;
    } catch {
      throw new ImageFetchError("http_status", "The server redirected to a Location that is not a URL.");
    }
    const check = checkFetchUrl(next, allowedHosts);
    if ("blocked" in check)
      throw new ImageFetchError("blocked_url", `Redirected to ${next}: ${check.blocked}`);
    url = check.url;
  }
}

/**
 * Fetches one image URL for a client, safely: the URL rules before any connection and at every
 * redirect, 10 s for the whole of it (redirects and body included), 10 MiB by Content-Length and
 * by the bytes counted, and the type from the bytes. Never throws: a failure is an ImageError.
 */
export async function fetchImage(
  url: string,
  allowedHosts: ReadonlySet<string>,
): Promise<FetchedImage | { error: ImageError }> {
  const fail = (key: ImageErrorKey, message: string) => ({ error: { url, key, message } });
  const check = checkFetchUrl(url, allowedHosts);
  if ("blocked" in check) return fail("blocked_url", check.blocked);
  const signal = AbortSignal.timeout(IMAGE_FETCH_TIMEOUT_MS);
  try {
    const response = await follow(check.url, allowedHosts, signal);
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      return fail("http_status", `The server answered ${response.status}.`);
    }
    const declared = Number(response.headers.get("Content-Length") ?? Number.NaN);
    if (declared > MAX_IMAGE_BYTES) {
      await response.body?.cancel().catch(() => {});
      return fail("too_large", `Content-Length ${declared} is over ${MAX_IMAGE_BYTES} bytes.`);
    }
    const bytes = await readAtMost(
      response.body,
      MAX_IMAGE_BYTES,
      Number.isNaN(declared) ? undefined : declared,
    );
    if (!bytes) return fail("too_large", `The image is over ${MAX_IMAGE_BYTES} bytes.`);
    const image = sniffImage(bytes);
    if (!image) return fail("not_an_image", "Not a JPEG, PNG, GIF, WebP or AVIF image (SVG is refused).");
    return { bytes, image };
  } catch (error) {
    if (error instanceof ImageFetchError) return fail(error.key, error.message);
    if (signal.aborted)
      return fail("timeout", `No complete answer within ${IMAGE_FETCH_TIMEOUT_MS / 1000} s.`);
    // What the runtime threw ("internal error; reference = …", "Network connection lost.") is
    // about the runtime, not the URL: the client gets what failed, in its terms; the log keeps it.
    console.warn(
      JSON.stringify({
        level: "warn",
        event: "image_fetch_failed",
        host: check.url.host,
        error: String(error),
      }),
    );
    return fail(
      "fetch_failed",
      "The server could not be reached, or the connection failed before a complete answer.",
    );
  }
}
