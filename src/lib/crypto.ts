const encoder = new TextEncoder();

/** "00" … "ff" by byte value. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

export async function sha256HexOfBytes(input: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  // A loop over a table, not a spread, map and join: this runs for every keyed request.
  let hex = "";
  for (const byte of digest) hex += HEX[byte];
  return hex;
}

export const sha256Hex = (input: string) => sha256HexOfBytes(encoder.encode(input));

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The first `bytes` bytes of the text's SHA-256 as unpadded base64url, by table (every storefront ETag). */
export async function sha256Base64url(input: string, bytes: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(input))).subarray(
    0,
    bytes,
  );
  let text = "";
  for (let i = 0; i < digest.length; i += 3) {
    const group = ((digest[i] ?? 0) << 16) | ((digest[i + 1] ?? 0) << 8) | (digest[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((digest.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) text += BASE64URL[(group >> (18 - 6 * k)) & 63];
  }
  return text;
}

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
  const [hashA, hashB] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(hashA, hashB);
}
