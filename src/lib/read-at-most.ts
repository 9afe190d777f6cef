/**
 * Reads a body to its end, counting the bytes as they arrive: undefined as soon as more than
 * `maxBytes` came (the stream is then cancelled), whatever a Content-Length said. `expected` (a
 * declared length within the cap) sizes the buffer up front, so the bytes are held only once.
 */
export async function readAtMost(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  expected?: number,
): Promise<Uint8Array | undefined> {
  if (!body) return new Uint8Array();
  const buffer = new Uint8Array(
    expected !== undefined && expected >= 0 && expected <= maxBytes ? expected : 0,
  );
  let filled = 0;
  // What did not fit the buffer: every chunk when no length was expected, or the excess of a wrong one.
  const overflow: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    if (overflow.length === 0 && filled + value.byteLength <= buffer.length) {
      buffer.set(value, filled);
      filled += value.byteLength;
    } else {
      overflow.push(value);
    }
  }
  if (overflow.length === 0) return filled === buffer.length ? buffer : buffer.subarray(0, filled);
  const joined = new Uint8Array(size);
  joined.set(buffer.subarray(0, filled));
  let offset = filled;
  for (const chunk of overflow) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}
