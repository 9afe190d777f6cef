const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export type IdPrefix = "prod" | "var" | "img" | "org" | "key" | "evt" | "we" | "del" | "req";

let lastTime = -1;
const lastRandom = new Uint8Array(10);

function encodeTime(time: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD.charAt(time % 32) + out;
    time = Math.floor(time / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits -> 16 characters of 5 bits.
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD.charAt((buffer >> (bits - 5)) & 31);
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/**
 * A monotonic ULID: ids made in the same millisecond by this isolate still sort in creation
 * order (the Workers clock does not advance during a request, so this matters).
 */
export function ulid(time = Date.now()): string {
  if (time <= lastTime) {
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      lastRandom[i] = ((lastRandom[i] ?? 0) + 1) & 0xff;
      if (lastRandom[i] !== 0) break;
    }
    time = lastTime;
  } else {
    crypto.getRandomValues(lastRandom);
    lastTime = time;
  }
  return encodeTime(time) + encodeRandom(lastRandom);
}

export const newId = (prefix: IdPrefix, time?: number) => `${prefix}_${ulid(time)}`;

/** The smallest and largest ULID of a millisecond: created_after/before become id bounds. */
export const ulidFloor = (time: number) => `${encodeTime(Math.max(0, time))}0000000000000000`;
export const ulidCeiling = (time: number) => `${encodeTime(Math.max(0, time))}ZZZZZZZZZZZZZZZZ`;

/** Time of an id made by newId, in ms. */
export function idTime(id: string): number {
  const body = id.slice(id.indexOf("_") + 1, id.indexOf("_") + 11);
  let time = 0;
  for (const char of body) time = time * 32 + CROCKFORD.indexOf(char);
  return time;
}

export function randomToken(bytes = 24): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw))
    .replaceAll("+", "A")
    .replaceAll("/", "B")
    .replaceAll("=", "");
}

/**
 * A ULID's 128 bits as a UUID (8-4-4-4-12 lower-case hex), for dialects whose ids are UUIDs;
 * undefined for text that is not a ULID. A ULID's 26 Crockford characters carry 130 bits, the
 * first character at most 7, so every ULID has one UUID and every UUID one ULID (uuidToUlid).
 */
export function ulidToUuid(ulid: string): string | undefined {
  if (!/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(ulid)) return undefined;
  let value = 0n;
  for (const char of ulid) value = value * 32n + BigInt(CROCKFORD.indexOf(char));
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The ULID of a UUID (any case, with its hyphens); undefined for text that is not a UUID. */
export function uuidToUlid(uuid: string): string | undefined {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) return undefined;
  let value = BigInt(`0x${uuid.replaceAll("-", "")}`);
  let out = "";
  for (let i = 0; i < 26; i++) {
    out = CROCKFORD.charAt(Number(value % 32n)) + out;
    value /= 32n;
  }
  return out;
}
