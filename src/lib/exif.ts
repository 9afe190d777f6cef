/**
 * How an image's stored pixels are turned to be shown, as EXIF's Orientation tag says it: 1 as
 * stored, 3 half a turn, 6 a quarter turn clockwise, 8 a quarter turn anticlockwise, and 2, 4, 5, 7
 * their mirror images. 5–8 swap the shown width and height.
 */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;
const ENTRY_BYTES = 12;

/**
 * The Orientation of an EXIF block: `tiff` is its TIFF structure (a header, `II` little-endian or
 * `MM` big-endian, 42, the offset of IFD0; then IFD0's entries), and the Orientation is IFD0's tag
 * 0x0112, a SHORT with one value from 1 to 8. It is read as Chromium reads it (checked case by case
 * in test/images/image-sniff.test.ts): an IFD that claims more entries than `tiff` holds is read as far as
 * its bytes go, and anything else unreadable (cut short, another type, a value out of range, an
 * offset outside `tiff`) is 1. Never throws, follows no offset but IFD0's, and reads at most the
 * 65 535 entries a 16-bit count can claim, so a hostile block costs no more than its bytes.
 */
export function exifOrientation(tiff: Uint8Array): Orientation {
  if (tiff.length < 8) return 1;
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 1;
  const data = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (data.getUint16(2, little) !== 42) return 1;
  const ifd = data.getUint32(4, little);
  if (ifd < 8 || ifd + 2 > tiff.length) return 1;
  const count = data.getUint16(ifd, little);
  for (let index = 0; index < count; index++) {
    const entry = ifd + 2 + index * ENTRY_BYTES;
    if (entry + ENTRY_BYTES > tiff.length) return 1;
    if (data.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    const value = data.getUint16(entry + 8, little);
    const readable = data.getUint16(entry + 2, little) === SHORT && data.getUint32(entry + 4, little) === 1;
    return readable && value >= 1 && value <= 8 ? (value as Orientation) : 1;
  }
  return 1;
}

/** Orientations 5–8 turn the image a quarter: the stored width is the shown height. */
export const swapsSides = (orientation: Orientation) => orientation >= 5;
