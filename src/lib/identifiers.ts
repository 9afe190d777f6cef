// Identifiers (SKUs, tags, agent ids, option names and values) compare as they look: trimmed and
// in Unicode NFC, so "CAFÉ" typed composed and decomposed are one SKU. Case is kept and counts
// ("abc" and "ABC" are two SKUs), as in Stripe's and Shopify's APIs. Characters that are invisible
// or reorder what is shown are refused rather than stripped, so a lookup never matches what its
// writer did not see.

/** Control characters, zero-width characters and the bidi controls (marks, embeddings, overrides, isolates). */
const INVISIBLE = /[\p{Cc}\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

export const INVISIBLE_MESSAGE = "Must not contain control, zero-width or bidi control characters.";

/** The identifier as stored and compared: trimmed, NFC. */
export const canonicalIdentifier = (value: string) => value.trim().normalize("NFC");

export const hasInvisible = (value: string) => INVISIBLE.test(value);

/**
 * The forms a stored identifier of `canonical` may have: itself, and its decomposed (NFD) twin
 * that a product written before identifiers were normalised may still hold.
 */
export function storedForms(canonical: string): string[] {
  const decomposed = canonical.normalize("NFD");
  return decomposed === canonical ? [canonical] : [canonical, decomposed];
}
