import { describe, expect, it } from "vitest";
import { sniffImage } from "../src/lib/image-sniff";
import { bytesOf, IMAGES } from "./fixtures/images";

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
    expect(sniffImage(bytesOf(IMAGES[name]))).toEqual({ contentType, width: 7, height: 5 });
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
