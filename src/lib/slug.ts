/** API.md's slug: lower-case words of a–z and 0–9 joined by single hyphens, at most 256 characters. */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_SLUG_LENGTH = 256;

// Letters that Unicode does not decompose into a base letter and a mark.
const FOLDS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/** The words of `slug` cut to `max` characters, at a word boundary where there is one. */
function cut(slug: string, max: number): string {
  if (slug.length <= max) return slug;
  if (slug[max] === "-") return slug.slice(0, max);
  const boundary = slug.lastIndexOf("-", max);
  return boundary > 0 ? slug.slice(0, boundary) : slug.slice(0, max);
}

/**
 * A slug from a name: accents folded, lower-cased, every run of other characters one hyphen, trimmed,
 * cut to 256 at a word boundary where possible. Undefined when no a–z or 0–9 is left.
 */
export function slugify(name: string): string | undefined {
  const words = name
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (letter) => FOLDS[letter] ?? letter)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  return words === "" ? undefined : cut(words, MAX_SLUG_LENGTH);
}

/** The slug of a name with nothing to make one from: `product-` and the id's last 10 characters. */
export const fallbackSlug = (productId: string) => `product-${productId.slice(-10).toLowerCase()}`;

/** `base-suffix`, still at most 256 long (the base is cut at a word boundary to make room). */
export function suffixed(base: string, suffix: string): string {
  return `${cut(base, MAX_SLUG_LENGTH - suffix.length - 1).replace(/-$/, "")}-${suffix}`;
}

/** The `n`th candidate for a generated slug (`name`, `name-2`, `name-3`, …), still at most 256 long. */
export const candidate = (base: string, n: number) => (n === 1 ? base : suffixed(base, String(n)));

/**
 * Whether `slug` is one that generating from `base` could have given this product: `base`,
 * `base-N`, or `base-<the id's last 8>` (a create that lost the race for a number).
 */
export function generatedFrom(slug: string, base: string, productId: string): boolean {
  if (slug === base) return true;
  const suffix = /-([a-z0-9]+)$/.exec(slug)?.[1];
  if (suffix === undefined) return false;
  const numbered = /^[1-9][0-9]*$/.test(suffix) && Number(suffix) >= 2;
  return (numbered || suffix === productId.slice(-8).toLowerCase()) && suffixed(base, suffix) === slug;
}
