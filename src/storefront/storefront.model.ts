import { lastMillisecondOf, parseDateOrDateTime } from "../lib/dates";
import { canonicalLocale, negotiateLocale, pickLocale } from "../lib/locale";
import { type ProductFields, type ProductRow, storedFields, storedImages } from "../products/products.stored";
import {
  derivedFields,
  finalVariantPrices,
  imageUrl,
  inStock,
  insideWindow,
  variantInStock,
} from "../products/products.view";

/** A product shoppers may see: active, visible and inside its availability window. */
const shown = (row: ProductRow, fields: ProductFields, now: number) =>
  row.status === "active" && fields.visible && insideWindow(fields.available_from, fields.available_to, now);

/** The product's locales, its default first. */
const localesOf = (fields: ProductFields) => [fields.default_locale, ...Object.keys(fields.localizations)];

/** Each of the product's locales and its slug there, the default locale's first. */
function slugsOf(fields: ProductFields): Record<string, string> {
  const slugs: Record<string, string> = {};
  if (fields.slug !== null) slugs[fields.default_locale] = fields.slug;
  for (const [locale, localization] of Object.entries(fields.localizations))
    if (localization.slug !== null) slugs[locale] = localization.slug;
  return slugs;
}

/** An option's entry for `locale` (its keys are as the client sent them), if it has one. */
function optionLocalization(option: ProductFields["options"][number], locale: string) {
  for (const [key, localization] of Object.entries(option.localizations))
    if (canonicalLocale(key) === locale) return localization;
  return undefined;
}

/**
 * What shoppers see of a product, in the locale the preferences pick (else its default), and for
 * how many seconds it stays so (`fresh`); undefined when they may not see it.
 */
export function toStorefrontProduct(row: ProductRow, preferences: string[], origin: string, now: number) {
  const fields = storedFields(row);
  if (!shown(row, fields, now)) return undefined;
  return project(
    row,
    fields,
    pickLocale(preferences, localesOf(fields)) ?? fields.default_locale,
    origin,
    now,
  );
}

/**
 * Seconds until what shoppers see of the product changes by itself: the next start or end of its
 * availability or novelty window after `now` (an end date covers its whole UTC day); undefined
 * when no boundary is ahead. An answer is never cached past it (`fresh` of a shown product).
 */
function secondsUntilChange(fields: ProductFields, now: number): number | undefined {
  const starts = [fields.available_from, fields.new_from].map((value) =>
    value === null ? undefined : parseDateOrDateTime(value),
  );
  const ends = [fields.available_to, fields.new_to].map((value) => {
    const last = value === null ? undefined : lastMillisecondOf(value);
    return last === undefined ? undefined : last + 1;
  });
  let next: number | undefined;
  for (const time of [...starts, ...ends])
    if (time !== undefined && time > now && (next === undefined || time < next)) next = time;
  return next === undefined ? undefined : Math.ceil((next - now) / 1000);
}

/**
 * The product a slug names, from the slug's rows (findBySlug: product id order), or undefined.
 * Of the products shoppers may see, the one whose slug is in the locale a preference picks for it
 * wins (the earlier preference first), then one whose slug is its default locale's, then the rest;
 * on a tie, the first row (the older product). It is shown in the locale a preference picks, else
 * in the slug's own: with no preference (or none the product answers) the link's language is a
 * better guess than the default, and with one, `slug` is the shown locale's for a shop to redirect to.
 */
export function storefrontProductBySlug(
  matches: { row: ProductRow; locale: string }[],
  preferences: string[],
  origin: string,
  now: number,
) {
  let best: { row: ProductRow; fields: ProductFields; locale: string; rank: [number, number] } | undefined;
  for (const match of matches) {
    const fields = storedFields(match.row);
    if (!shown(match.row, fields, now)) continue;
    const picked = negotiateLocale(preferences, localesOf(fields));
    const rank: [number, number] = [
      picked?.locale === match.locale ? picked.preference : preferences.length,
      match.locale === fields.default_locale ? 0 : 1,
    ];
    if (best === undefined || rank[0] < best.rank[0] || (rank[0] === best.rank[0] && rank[1] < best.rank[1]))
      best = { row: match.row, fields, locale: picked?.locale ?? match.locale, rank };
  }
  return best && project(best.row, best.fields, best.locale, origin, now);
}

/**
 * What shoppers see of a product shown in `locale`, one of its own. An allow-list, so that a field
 * added to products later stays private until it is added here. Text the locale does not translate
 * falls back to the default locale's; hidden variants are left out; stock is only `in_stock`. With
 * `fresh`: the seconds until it changes by itself (secondsUntilChange).
 */
function project(row: ProductRow, fields: ProductFields, locale: string, origin: string, now: number) {
  const derived = derivedFields(fields, now);
  const localization = locale === fields.default_locale ? undefined : fields.localizations[locale];
  const options = fields.options.map((option) => {
    const translated = optionLocalization(option, locale);
    return {
      name: translated?.name ?? option.name,
      values: translated?.values ?? option.values,
      display: option.display,
      // From the stored names and values to the shown ones, for the variants below.
      shown: (value: string) => translated?.values[option.values.indexOf(value)] ?? value,
      stored: option.name,
    };
  });
  const product = {
    id: row.id,
    object: "product" as const,
    locale,
    name: localization?.name ?? fields.name,
    description: localization?.description ?? fields.description,
    slug: localization?.slug ?? fields.slug,
    slugs: slugsOf(fields),
    seo: {
      title: localization?.seo.title ?? fields.seo.title,
      description: localization?.seo.description ?? fields.seo.description,
    },
    type: fields.type,
    shippable: derived.shippable,
    schedule_appointment: fields.schedule_appointment,
    sku: fields.sku,
    gtin: fields.gtin,
    tax_category: fields.tax_category,
    tax_behavior: fields.tax_behavior,
    prices: fields.prices.map((price) => ({
      currency: price.currency,
      amount: price.amount,
      compare_at_amount: price.compare_at_amount,
    })),
    default_currency: derived.default_currency,
    features: fields.features,
    tags: fields.tags,
    buyable: fields.buyable,
    on_sale: fields.on_sale,
    discountable: fields.discountable,
    reviews_allowed: fields.reviews_allowed,
    available_from: fields.available_from,
    available_to: fields.available_to,
    is_new: derived.is_new,
    attributes: fields.attributes.filter((entry) => entry.locale === undefined || entry.locale === locale),
    custom_fields: fields.custom_fields.filter(
      (entry) => entry.locale === undefined || entry.locale === locale,
    ),
    allowed_countries: fields.allowed_countries,
    related_product_ids: fields.related_product_ids,
    options: options.map(({ name, values, display }) => ({ name, values, display })),
    variants: fields.variants
      .filter((variant) => variant.visible)
      .map((variant) => ({
        id: variant.id,
        options: Object.fromEntries(
          options.map((option) => [option.name, option.shown(variant.options[option.stored] ?? "")]),
        ),
        sku: variant.sku,
        gtin: variant.gtin,
        prices: finalVariantPrices(fields, variant),
        image_ids: variant.image_ids,
        in_stock: variantInStock(fields, variant),
      })),
    // The variants' prices above are final, whatever the product's pricing.
    variant_pricing: "absolute" as const,
    in_stock: inStock(fields),
    min_order_quantity: fields.inventory.min_order_quantity,
    max_order_quantity: fields.inventory.max_order_quantity,
    images: storedImages(row).map((image) => ({
      id: image.id,
      object: "image" as const,
      url: imageUrl(origin, image.id),
      content_type: image.content_type,
      width: image.width,
      height: image.height,
      orientation: image.orientation,
      alt: image.alt,
      position: image.position,
    })),
    updated_at: row.updatedAt,
  };
  return { product, fresh: secondsUntilChange(fields, now) };
}
