import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sniffImage } from "../../src/lib/image-sniff";
import { bytesOf, IMAGES } from "../fixtures/images";

/** The type and size of real files by their bytes; the upload and image_urls paths use this. */
describe("sniffImage", () => {
  it.each([
    ["png", "image/png"],
    ["jpeg", "image/jpeg"],
    ["jpegProgressive", "image/jpeg"],
    ["gif", "image/gif"],
    ["webpLossy", "image/webp"],
    ["webpLossless", "image/webp"],
    ["webpAlpha", "image/webp"],
    ["avif", "image/avif"],
  ] as const)("%s is %s, 7 × 5", (name, contentType) => {
    expect(sniffImage(bytesOf(IMAGES[name]))).toEqual({ contentType, width: 7, height: 5, orientation: 1 });
  });

  const text = (value: string) => new TextEncoder().encode(value);

  it.each([
    ["SVG", text('<svg xmlns="http://www.w3.org/2000/svg" width="7" height="5"></svg>')],
    ["SVG with an XML prolog", text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')],
    ["HTML", text("<!doctype html><title>x</title>")],
    ["plain text", text("GIF is a format")],
    ["empty", new Uint8Array()],
    ["a PNG signature alone", bytesOf(IMAGES.png).slice(0, 8)],
    ["a PNG cut inside its header", bytesOf(IMAGES.png).slice(0, 20)],
    ["a JPEG cut before its frame", bytesOf(IMAGES.jpeg).slice(0, 20)],
    ["a WebP cut short", bytesOf(IMAGES.webpLossy).slice(0, 16)],
    [
      "an ISO BMFF file that is not AVIF (MP4)",
      new Uint8Array([0, 0, 0, 16, ...text("ftypisom"), 0, 0, 0, 0]),
    ],
  ])("%s is not an image", (_name, bytes) => {
    expect(sniffImage(bytes)).toBeUndefined();
  });

  it("a zero-sized header is not an image", () => {
    const png = bytesOf(IMAGES.png);
    png.set([0, 0, 0, 0], 16);
    expect(sniffImage(png)).toBeUndefined();
  });
});

/**
 * EXIF orientation: `width` and `height` are the size as shown, so orientations 5–8 (a quarter
 * turn) swap the stored ones. Real files first (test/fixtures/images.ts says how they were made),
 * then hand-built bytes for what a broken or hostile file can hold. Files of each kind here (the
 * entry's type and count, magic number, IFD offsets, cut segments, huge counts, segment order, an
 * Exif after the frame header, eXIf after IDAT, with a wrong CRC or an `Exif\0\0` prefix, WebP's
 * EXIF before and after the image data) were shown to Chromium 150, whose reading this follows.
 */
describe("sniffImage: orientation", () => {
  it.each([
    ["jpegOrientation1", "image/jpeg", 1, 64, 48],
    ["jpegOrientation3", "image/jpeg", 3, 64, 48],
    ["jpegOrientation6", "image/jpeg", 6, 48, 64],
    ["jpegOrientation8", "image/jpeg", 8, 48, 64],
    ["jpegOrientation6BigEndian", "image/jpeg", 6, 48, 64],
    ["pngOrientation6", "image/png", 6, 48, 64],
    // Browsers do not turn a WebP by its EXIF chunk (it comes after the image data).
    ["webpOrientation6", "image/webp", 1, 64, 48],
  ] as const)("%s is %s, orientation %i, shown %i × %i", (name, contentType, orientation, width, height) => {
    expect(sniffImage(bytesOf(IMAGES[name]))).toEqual({ contentType, width, height, orientation });
  });

  type Entry = { tag: number; type: number; count: number; value: number };
  const orientationEntry = (value: number): Entry => ({ tag: 0x0112, type: 3, count: 1, value });

  /**
   * A TIFF structure (what follows `Exif\0\0`): the header, its IFD0 offset saying `ifd`, and IFD0
   * with `entries` (and `count` as its entry count) at `ifd`, or at 8 when `ifd` is not a place
   * in the header's small world (inside the header, or far past it).
   */
  function tiff(
    entries: Entry[],
    {
      order = "II",
      ifd = 8,
      count = entries.length,
    }: { order?: "II" | "MM"; ifd?: number; count?: number } = {},
  ): Uint8Array {
    const little = order === "II";
    const at = ifd >= 8 && ifd < 4096 ? ifd : 8;
    const bytes = new Uint8Array(at + 2 + entries.length * 12 + 4);
    const data = new DataView(bytes.buffer);
    bytes.set([order.charCodeAt(0), order.charCodeAt(1)]);
    data.setUint16(2, 42, little);
    data.setUint32(4, ifd, little);
    data.setUint16(at, count, little);
    entries.forEach((entry, index) => {
      const offset = at + 2 + index * 12;
      data.setUint16(offset, entry.tag, little);
      data.setUint16(offset + 2, entry.type, little);
      data.setUint32(offset + 4, entry.count, little);
      if (entry.type === 3) data.setUint16(offset + 8, entry.value, little);
      else data.setUint32(offset + 8, entry.value, little);
    });
    return bytes;
  }

  const EXIF_HEADER = new TextEncoder().encode("Exif\0\0");
  const concat = (...parts: Uint8Array[]) => {
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    return bytes;
  };
  /** An APP1 segment holding `payload`; `declared` lies about its length when given. */
  const app1 = (payload: Uint8Array, declared = payload.length + 2) =>
    concat(new Uint8Array([0xff, 0xe1, declared >> 8, declared & 0xff]), payload);
  const exif = (structure: Uint8Array) => app1(concat(EXIF_HEADER, structure));
  /** The 7 × 5 JPEG fixture with `segments` right after its SOI. */
  const jpegWith = (...segments: Uint8Array[]) => {
    const jpeg = bytesOf(IMAGES.jpeg);
    return concat(jpeg.subarray(0, 2), ...segments, jpeg.subarray(2));
  };
  const jpegOf = (orientation: number) => ({
    contentType: "image/jpeg",
    width: orientation >= 5 ? 5 : 7,
    height: orientation >= 5 ? 7 : 5,
    orientation,
  });

  const OTHER_TAGS: Entry[] = [
    { tag: 0x0100, type: 3, count: 1, value: 9 },
    { tag: 0x011a, type: 5, count: 1, value: 0 },
    { tag: 0x0128, type: 3, count: 1, value: 2 },
  ];

  it("reads IFD0's Orientation among other tags, in both byte orders, each of 1–8", () => {
    for (const order of ["II", "MM"] as const) {
      for (let value = 1; value <= 8; value++) {
        const entries = [...OTHER_TAGS, orientationEntry(value)];
        expect(sniffImage(jpegWith(exif(tiff(entries, { order })))), `${order} ${value}`).toEqual(
          jpegOf(value),
        );
      }
    }
  });

  it("finds Exif after other APP1 segments (XMP), and takes the first Exif segment", () => {
    const xmp = app1(new TextEncoder().encode("http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"));
    expect(sniffImage(jpegWith(xmp, exif(tiff([orientationEntry(6)]))))).toEqual(jpegOf(6));
    const first = exif(tiff([orientationEntry(6)]));
    const second = exif(tiff([orientationEntry(3)]));
    expect(sniffImage(jpegWith(first, second))).toEqual(jpegOf(6));
    expect(sniffImage(jpegWith(second, first))).toEqual(jpegOf(3));
  });

  it("reads an Exif segment between the frame header and the image data, as a decoder does", () => {
    const jpeg = bytesOf(IMAGES.jpeg);
    const frame = jpeg.findIndex((byte, index) => byte === 0xff && jpeg[index + 1] === 0xc0);
    const end = frame + 2 + ((jpeg[frame + 2] as number) << 8) + (jpeg[frame + 3] as number);
    const bytes = concat(jpeg.subarray(0, end), exif(tiff([orientationEntry(8)])), jpeg.subarray(end));
    expect(sniffImage(bytes)).toEqual(jpegOf(8));
  });

  it.each([
    ["a value of 0", tiff([orientationEntry(0)])],
    ["a value of 9", tiff([orientationEntry(9)])],
    ["a value of 65535", tiff([orientationEntry(0xffff)])],
    ["a LONG instead of a SHORT", tiff([{ tag: 0x0112, type: 4, count: 1, value: 6 }])],
    ["two values", tiff([{ tag: 0x0112, type: 3, count: 2, value: 6 }])],
    ["no Orientation tag", tiff(OTHER_TAGS)],
    ["no entries", tiff([])],
    ["a byte order that is neither II nor MM", tiff([orientationEntry(6)]).fill(0x58, 0, 2)],
    ["a TIFF magic number that is not 42", tiff([orientationEntry(6)]).fill(43, 2, 3)],
    ["IFD0 inside the header (offset 4)", tiff([orientationEntry(6)], { ifd: 4 })],
    ["IFD0 past the end (offset 2^32 − 1)", tiff([orientationEntry(6)], { ifd: 0xffffffff })],
    ["IFD0 at the last byte", tiff([orientationEntry(6)], { ifd: 25 }).subarray(0, 26)],
    ["a huge entry count and nothing after it", tiff([], { count: 0xffff })],
    ["an empty structure", new Uint8Array()],
    ["a header cut to 7 bytes", tiff([orientationEntry(6)]).subarray(0, 7)],
  ])("%s is orientation 1, the stored size kept", (_name, structure) => {
    expect(sniffImage(jpegWith(exif(structure)))).toEqual(jpegOf(1));
  });

  it("an IFD that claims more entries than it holds is read as far as its bytes go", () => {
    const huge = tiff([...OTHER_TAGS, orientationEntry(6)], { count: 0xffff });
    expect(sniffImage(jpegWith(exif(huge)))).toEqual(jpegOf(6));
  });

  it("an Exif segment cut anywhere reads the Orientation only when its whole entry is there", () => {
    const structure = tiff([orientationEntry(6), ...OTHER_TAGS]);
    for (let length = 0; length <= structure.length; length++) {
      const expected = length >= 8 + 2 + 12 ? 6 : 1;
      expect(sniffImage(jpegWith(exif(structure.subarray(0, length)))), `${length}`).toEqual(
        jpegOf(expected),
      );
    }
    // Shorter than `Exif\0\0` itself, or an empty APP1: no Exif.
    expect(sniffImage(jpegWith(app1(EXIF_HEADER.subarray(0, 4))))).toEqual(jpegOf(1));
    expect(sniffImage(jpegWith(app1(new Uint8Array())))).toEqual(jpegOf(1));
  });

  it("offsets are read inside the segment only, never from the bytes after it", () => {
    // IFD0 at 26, where the segment ends: what follows is a comment segment whose bytes, read as
    // an IFD, would be a count of 0xFEFF and an Orientation 6 in the second entry.
    const segment = exif(tiff([], { ifd: 26 }).subarray(0, 26));
    const entry = tiff([orientationEntry(6)]).subarray(10, 22);
    const comment = concat(new Uint8Array([0xff, 0xfe, 0, 24]), new Uint8Array(10), entry);
    expect(sniffImage(jpegWith(segment, comment))).toEqual(jpegOf(1));
    // The same IFD inside the segment is read.
    expect(sniffImage(jpegWith(exif(concat(tiff([], { ifd: 26 }).subarray(0, 26), comment))))).toEqual(
      jpegOf(6),
    );
  });

  it("an APP1 whose length runs past the end of the file is a file cut short: not an image", () => {
    const structure = tiff([orientationEntry(6)]);
    const cut = jpegWith(app1(concat(EXIF_HEADER, structure), 0xffff)).subarray(0, 4 + 6 + structure.length);
    expect(sniffImage(cut)).toBeUndefined();
  });

  it("random bytes in an Exif segment never throw and never lose the image", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom("II", "MM", "random"),
        (random, order) => {
          const structure =
            order === "random" ? random : concat(tiff([], { order }).subarray(0, 4), random.subarray(0));
          const sniffed = sniffImage(jpegWith(exif(structure)));
          expect(sniffed?.contentType).toBe("image/jpeg");
          expect([1, 2, 3, 4, 5, 6, 7, 8]).toContain(sniffed?.orientation);
          expect(sniffed && sniffed.width * sniffed.height).toBe(35);
        },
      ),
      { numRuns: 500 },
    );
  });

  /** PNG's CRC-32, bit by bit from the specification (the Worker's is table-driven). */
  const crc32 = (bytes: Uint8Array) => {
    let crc = 0xffffffff;
    for (const byte of bytes) {
      crc ^= byte;
      for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
    return (crc ^ 0xffffffff) >>> 0;
  };
  /** A chunk of `type` with `data` and its CRC (the fixture's real eXIf chunk checks the Worker's). */
  function chunk(type: string, data: Uint8Array, crc?: number) {
    const bytes = new Uint8Array(12 + data.length);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, data.length);
    bytes.set(new TextEncoder().encode(type), 4);
    bytes.set(data, 8);
    view.setUint32(8 + data.length, crc ?? crc32(bytes.subarray(4, 8 + data.length)));
    return bytes;
  }
  /** The 7 × 5 PNG fixture with `chunks` after IHDR (`where: "before"`) or after its IDAT. */
  function pngWith(where: "before" | "after", ...chunks: Uint8Array[]) {
    const png = bytesOf(IMAGES.png);
    const at = where === "before" ? 8 + 25 : png.length - 12; // IHDR is 25 bytes; IEND the last 12
    return concat(png.subarray(0, at), ...chunks, png.subarray(at));
  }
  const pngOf = (orientation: number) => ({
    contentType: "image/png",
    width: orientation >= 5 ? 5 : 7,
    height: orientation >= 5 ? 7 : 5,
    orientation,
  });

  it("PNG: an eXIf chunk before the image data turns it, in both byte orders", () => {
    for (const order of ["II", "MM"] as const) {
      const structure = tiff([...OTHER_TAGS, orientationEntry(8)], { order });
      expect(sniffImage(pngWith("before", chunk("eXIf", structure)))).toEqual(pngOf(8));
    }
  });

  it("PNG: an IFD is read up to the 65 535 entries its count can claim, and no further", () => {
    const others = Array<Entry>(0xfffe).fill(OTHER_TAGS[0] as Entry);
    const last = tiff([...others, orientationEntry(8)], { count: 0xffff });
    expect(sniffImage(pngWith("before", chunk("eXIf", last)))).toEqual(pngOf(8));
    const beyond = tiff([...others, OTHER_TAGS[0] as Entry, orientationEntry(8)], { count: 0xffff });
    expect(sniffImage(pngWith("before", chunk("eXIf", beyond)))).toEqual(pngOf(1));
  });

  it.each([
    [
      "after the image data (browsers ignore it there)",
      pngWith("after", chunk("eXIf", tiff([orientationEntry(6)]))),
    ],
    ["with a wrong CRC", pngWith("before", chunk("eXIf", tiff([orientationEntry(6)]), 0))],
    [
      "with `Exif\\0\\0` before its TIFF header",
      pngWith("before", chunk("eXIf", concat(EXIF_HEADER, tiff([orientationEntry(6)])))),
    ],
    [
      "with a length past the end of the file",
      pngWith("before", chunk("eXIf", tiff([orientationEntry(6)]))).subarray(0, 8 + 25 + 20),
    ],
    [
      "holding garbage",
      pngWith("before", chunk("eXIf", new Uint8Array([0x4d, 0x4d, 0, 42, 0xff, 0xff, 0xff, 0xff]))),
    ],
  ])("PNG: an eXIf chunk %s is orientation 1", (_name, bytes) => {
    expect(sniffImage(bytes)).toEqual(pngOf(1));
  });
});
