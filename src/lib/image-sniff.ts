/**
 * What an image really is, from its bytes, never from a declared Content-Type: JPEG, PNG, GIF,
 * WebP or AVIF by magic number, with width and height read from its header. Anything else (SVG
 * included) is not an image here.
 */
export type SniffedImage = {
  contentType: "image/jpeg" | "image/png" | "image/gif" | "image/webp" | "image/avif";
  width: number;
  height: number;
};

const ascii = (bytes: Uint8Array, offset: number, length: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + length));

function view(bytes: Uint8Array) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const valid = (image: SniffedImage): SniffedImage | undefined =>
  image.width > 0 && image.height > 0 ? image : undefined;

export function sniffImage(bytes: Uint8Array): SniffedImage | undefined {
  try {
    if (
      bytes.length >= 24 &&
      ascii(bytes, 1, 3) === "PNG" &&
      bytes[0] === 0x89 &&
      ascii(bytes, 12, 4) === "IHDR"
    ) {
      const data = view(bytes);
      return valid({ contentType: "image/png", width: data.getUint32(16), height: data.getUint32(20) });
    }
    if (bytes.length >= 10 && (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a")) {
      const data = view(bytes);
      return valid({
        contentType: "image/gif",
        width: data.getUint16(6, true),
        height: data.getUint16(8, true),
      });
    }
    if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpeg(bytes);
    if (bytes.length >= 30 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP")
      return webp(bytes);
    if (bytes.length >= 16 && ascii(bytes, 4, 4) === "ftyp") return avif(bytes);
  } catch {
    // a header cut short: not an image we can store
  }
  return undefined;
}

/** Walks the JPEG markers to the first start-of-frame, which holds the dimensions. */
function jpeg(bytes: Uint8Array): SniffedImage | undefined {
  const data = view(bytes);
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      return valid({
        contentType: "image/jpeg",
        height: data.getUint16(offset + 5),
        width: data.getUint16(offset + 7),
      });
    }
    offset += 2 + data.getUint16(offset + 2);
  }
  return undefined;
}

function webp(bytes: Uint8Array): SniffedImage | undefined {
  const data = view(bytes);
  const chunk = ascii(bytes, 12, 4);
  if (chunk === "VP8 " && bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a) {
    return valid({
      contentType: "image/webp",
      width: data.getUint16(26, true) & 0x3fff,
      height: data.getUint16(28, true) & 0x3fff,
    });
  }
  if (chunk === "VP8L" && bytes[20] === 0x2f) {
    const bits = data.getUint32(21, true);
    return valid({
      contentType: "image/webp",
      width: (bits & 0x3fff) + 1,
      height: ((bits >>> 14) & 0x3fff) + 1,
    });
  }
  if (chunk === "VP8X") {
    const width = 1 + ((bytes[24] as number) | ((bytes[25] as number) << 8) | ((bytes[26] as number) << 16));
    const height = 1 + ((bytes[27] as number) | ((bytes[28] as number) << 8) | ((bytes[29] as number) << 16));
    return valid({ contentType: "image/webp", width, height });
  }
  return undefined;
}

/** An ISO BMFF file whose brands include avif (or avis); the size is the first `ispe` property. */
function avif(bytes: Uint8Array): SniffedImage | undefined {
  const data = view(bytes);
  const ftypSize = data.getUint32(0);
  const brands: string[] = [ascii(bytes, 8, 4)];
  for (let offset = 16; offset + 4 <= Math.min(ftypSize, bytes.length); offset += 4)
    brands.push(ascii(bytes, offset, 4));
  if (!brands.includes("avif") && !brands.includes("avis")) return undefined;
  const limit = Math.min(bytes.length - 12, 64 * 1024);
  for (let offset = ftypSize; offset < limit; offset++) {
    if (bytes[offset] === 0x69 && ascii(bytes, offset, 4) === "ispe") {
      // box type, then 4 bytes of version and flags, then width and height
      return valid({
        contentType: "image/avif",
        width: data.getUint32(offset + 8),
        height: data.getUint32(offset + 12),
      });
    }
  }
  return undefined;
}
