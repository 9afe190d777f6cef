import { exifOrientation, type Orientation, swapsSides } from "./exif";

/**
 * What an image really is, from its bytes, never from a declared Content-Type: JPEG, PNG, GIF,
 * WebP or AVIF by magic number, with width and height read from its header. Anything else (SVG
 * included) is not an image here.
 *
 * `width` and `height` are the size the image is shown at: its EXIF orientation applied, as
 * browsers apply it (a JPEG's Exif APP1 segment, a PNG's eXIf chunk before the image data), so a
 * phone photo stored 640 × 480 with orientation 6 is 480 × 640. WebP's EXIF chunk is not read:
 * Chromium does not turn a WebP by it (it comes after the image data). AVIF turns images by its
 * own `irot`/`imir` properties, not EXIF; those are not read, so an AVIF is its `ispe` size.
 */
export type SniffedImage = {
  contentType: "image/jpeg" | "image/png" | "image/gif" | "image/webp" | "image/avif";
  width: number;
  height: number;
  orientation: Orientation;
};

const ascii = (bytes: Uint8Array, offset: number, length: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + length));

function view(bytes: Uint8Array) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The image as shown, from its stored size and orientation; undefined for a zero side. */
function shown(
  contentType: SniffedImage["contentType"],
  width: number,
  height: number,
  orientation: Orientation = 1,
): SniffedImage | undefined {
  if (width <= 0 || height <= 0) return undefined;
  return swapsSides(orientation)
    ? { contentType, width: height, height: width, orientation }
    : { contentType, width, height, orientation };
}

export function sniffImage(bytes: Uint8Array): SniffedImage | undefined {
  try {
    if (
      bytes.length >= 24 &&
      ascii(bytes, 1, 3) === "PNG" &&
      bytes[0] === 0x89 &&
      ascii(bytes, 12, 4) === "IHDR"
    ) {
      const data = view(bytes);
      return shown("image/png", data.getUint32(16), data.getUint32(20), pngOrientation(bytes));
    }
    if (bytes.length >= 10 && (ascii(bytes, 0, 6) === "GIF87a" || ascii(bytes, 0, 6) === "GIF89a")) {
      const data = view(bytes);
      return shown("image/gif", data.getUint16(6, true), data.getUint16(8, true));
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

/**
 * Walks the JPEG markers up to the image data (SOS): the first start-of-frame holds the stored size,
 * the first APP1 segment that starts `Exif\0\0` the orientation (read inside the segment only).
 * A decoder reads every marker before the image data, so an Exif segment after the frame header
 * counts too. A file that ends or breaks after its frame header is its frame header's size.
 */
function jpeg(bytes: Uint8Array): SniffedImage | undefined {
  const data = view(bytes);
  let frame: { width: number; height: number } | undefined;
  let orientation: Orientation | undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) break;
    const marker = bytes[offset + 1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan, end of image
    const end = offset + 2 + data.getUint16(offset + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && !frame) {
      if (offset + 9 > bytes.length) break;
      frame = { height: data.getUint16(offset + 5), width: data.getUint16(offset + 7) };
    } else if (
      marker === 0xe1 &&
      orientation === undefined &&
      end >= offset + 10 &&
      isExif(bytes, offset + 4)
    ) {
      orientation = exifOrientation(bytes.subarray(offset + 10, Math.min(end, bytes.length)));
    }
    offset = end;
  }
  return frame && shown("image/jpeg", frame.width, frame.height, orientation);
}

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"
const isExif = (bytes: Uint8Array, offset: number) =>
  EXIF_HEADER.every((byte, index) => bytes[offset + index] === byte);

const IDAT = 0x49444154;
const IEND = 0x49454e44;
const EXIF_CHUNK = 0x65584966; // "eXIf"

/**
 * The orientation of a PNG's eXIf chunk (a TIFF structure, nothing before it) when it comes before
 * the image data and its CRC is right: browsers ignore one after IDAT, and one that fails its CRC.
 * Each chunk walked is at least 12 bytes, so the walk is bounded by the file.
 */
function pngOrientation(bytes: Uint8Array): Orientation {
  const data = view(bytes);
  for (let offset = 8; offset + 12 <= bytes.length; ) {
    const length = data.getUint32(offset);
    const type = data.getUint32(offset + 4);
    if (type === IDAT || type === IEND) return 1;
    const end = offset + 12 + length;
    if (type === EXIF_CHUNK) {
      if (end > bytes.length) return 1;
      if (crc32(bytes.subarray(offset + 4, end - 4)) !== data.getUint32(end - 4)) return 1;
      return exifOrientation(bytes.subarray(offset + 8, end - 4));
    }
    offset = end;
  }
  return 1;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG computes it (ISO 3309, polynomial 0xEDB88320), over a chunk's type and data. */
function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, index) => {
    let c = index;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function webp(bytes: Uint8Array): SniffedImage | undefined {
  const data = view(bytes);
  const chunk = ascii(bytes, 12, 4);
  if (chunk === "VP8 " && bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a) {
    return shown("image/webp", data.getUint16(26, true) & 0x3fff, data.getUint16(28, true) & 0x3fff);
  }
  if (chunk === "VP8L" && bytes[20] === 0x2f) {
    const bits = data.getUint32(21, true);
    return shown("image/webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === "VP8X") {
    const width = 1 + ((bytes[24] as number) | ((bytes[25] as number) << 8) | ((bytes[26] as number) << 16));
    const height = 1 + ((bytes[27] as number) | ((bytes[28] as number) << 8) | ((bytes[29] as number) << 16));
    return shown("image/webp", width, height);
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
      return shown("image/avif", data.getUint32(offset + 8), data.getUint32(offset + 12));
    }
  }
  return undefined;
}
