import { ApiError, invalidData } from "../lib/errors";
import { storedForms } from "../lib/identifiers";
import { candidate, fallbackSlug, generatedFrom, latinSlugify, slugify, suffixed } from "../lib/slug";
import type { WriteDeps } from "../shared/write-deps";
import type { ProductInput } from "./products.input";
import * as lookups from "./products.lookups";
import { resolveProductFields } from "./products.rules";
import { type ProductFields, type ProductRow, storedFields, storedImages } from "./products.stored";

// What a write stores: the input with every rule applied, the checks that need the database, and
// the slugs the client left out. The write path (products.write.ts) calls prepareFields; the rest
// is its detail.

type Reads = Pick<WriteDeps, "db" | "orgId">;

/**
 * How a missing slug is picked (the contract, Slugs): `guess` takes the name's own slug without a read
 * (a create's first try: most names are free, and the unique index catches the rest); `number` the
 * first of `name`, `name-2`, `name-3`, … that no other product of the org has in that locale (one
 * index read); `unique` a suffix from the product's own id, for a create that lost the race for a
 * number several times (a burst of creates of one name).
 */
export type SlugPick = "guess" | "number" | "unique";

/**
 * Which current slugs an update keeps for a name: `name`, one the name gives; `name or earlier`, also
 * one it gave before names were romanized (a Cyrillic name's `product-<id>`, a mixed name's Latin words
 * alone). A PUT without slugs keeps those, so no stored URL moves; a PATCH's `slug: null` asks for the
 * name's slug as it is made now.
 */
export type SlugKeep = "name" | "name or earlier";

/**
 * Fills the slugs the client left out; returns the lookup values (`<locale>:<slug>`) it generated.
 * An update keeps a locale's current slug when it is one generating from the same name could give
 * (no read, and the product's URL stays put even when a lower number has come free; `keep` says
 * whether the slugs of the rules before romanization count).
 */
async function fillSlugs(
  deps: Reads,
  productId: string,
  fields: ProductFields,
  how: SlugPick,
  current?: ProductFields,
  keep: SlugKeep = "name",
): Promise<Set<string>> {
  const generated = new Set<string>();
  const currentSlugs = new Map<string, string | null>();
  if (current) {
    for (const [locale, { slug }] of Object.entries(current.localizations)) currentSlugs.set(locale, slug);
    currentSlugs.set(current.default_locale, current.slug);
  }
  const pick = async (locale: string, name: string) => {
    const base = slugify(name, locale) ?? fallbackSlug(productId);
    const kept = currentSlugs.get(locale);
    const earlier = keep === "name or earlier" ? (latinSlugify(name) ?? fallbackSlug(productId)) : base;
    if (kept && (generatedFrom(kept, base, productId) || generatedFrom(kept, earlier, productId))) {
      generated.add(`${locale}:${kept}`);
      return kept;
    }
    let slug = base;
    if (how !== "guess") {
      const taken = await lookups.takenSlugs(deps.db, deps.orgId, productId, locale, base);
      slug = suffixed(base, productId.slice(-8).toLowerCase());
      if (how === "number" || taken.has(slug)) {
        let n = 1;
        while (taken.has(candidate(base, n))) n++;
        slug = candidate(base, n);
      }
    }
    generated.add(`${locale}:${slug}`);
    return slug;
  };
  const localizations = Object.entries(fields.localizations);
  await Promise.all([
    fields.slug === null
      ? pick(fields.default_locale, fields.name).then((slug) => {
          fields.slug = slug;
        })
      : undefined,
    ...localizations.map(async ([locale, localization]) => {
      if (localization.slug === null) localization.slug = await pick(locale, localization.name);
    }),
  ]);
  return generated;
}

/**
 * The input's stored fields, with every rule checked: the schema's and those between fields, then
 * that each related id names another product of the org (one indexed read of at most 50 rows; the
 * database checks again inside the write, see migration 0006); and the slugs left out, generated.
 */
export async function prepareFields(
  deps: Reads,
  input: ProductInput,
  productId: string,
  slugs: SlugPick,
  current?: ProductRow,
  keep: SlugKeep = "name",
): Promise<{ fields: ProductFields; generatedSlugs: Set<string> }> {
  const stored = current ? storedFields(current) : undefined;
  const result = resolveProductFields(input, stored);
  if ("failures" in result) throw invalidData(result.failures);
  // A variant's images are the product's own.
  const imageIds = new Set(current ? storedImages(current).map((image) => image.id) : []);
  // Failures name indexes of the lists as sent, before deduplication.
  const imageFailures = result.fields.variants.flatMap((variant, index) =>
    (input.variants?.[index]?.image_ids ?? variant.image_ids).flatMap((imageId, imageIndex) =>
      imageIds.has(imageId)
        ? []
        : [
            {
              field: `variants[${index}].image_ids[${imageIndex}]`,
              message: `No image '${imageId}' on this product.`,
            },
          ],
    ),
  );
  if (imageFailures.length > 0) throw invalidData(imageFailures);
  const related = result.fields.related_product_ids;
  const missing = new Set(await lookups.missingProducts(deps.db, deps.orgId, related));
  const failures = (input.related_product_ids ?? related).flatMap((relatedId, index) => {
    const field = `related_product_ids[${index}]`;
    if (relatedId === productId) return [{ field, message: "A product cannot be related to itself." }];
    if (missing.has(relatedId)) return [{ field, message: `No product '${relatedId}' in this org.` }];
    return [];
  });
  if (failures.length > 0) throw invalidData(failures);
  // A product written before SKUs were normalised may hold one decomposed (NFD).
  const skus = [result.fields.sku, ...result.fields.variants.map((variant) => variant.sku)];
  const twins = skus.flatMap((sku) => (sku === null ? [] : storedForms(sku).slice(1)));
  if (twins.length > 0 && (await lookups.skuTaken(deps.db, deps.orgId, productId, twins))) {
    throw new ApiError("duplicate_sku");
  }
  const generatedSlugs = await fillSlugs(deps, productId, result.fields, slugs, stored, keep);
  return { fields: result.fields, generatedSlugs };
}
