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

/** Compares two secrets in constant time (hashing first makes the lengths equal). */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
  const [hashA, hashB] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(hashA, hashB);
}
