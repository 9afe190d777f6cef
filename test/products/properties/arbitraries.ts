import fc from "fast-check";
import { canonicalIdentifier, hasInvisible } from "../../../src/lib/identifiers";
import {
  asBody,
  asList,
  type Body,
  COUNTRIES,
  CURRENCIES,
  clone,
  codePoints,
  depth,
  derivedAmount,
  gs1CheckDigit,
  gtinDigits,
  jsonBytes,
  LOCALES,
  MAX_AMOUNT,
  MAX_QUANTITY,
  PROPS_MAX_BYTES,
  WINDOWS,
  wire,
} from "./model";

// Arbitraries of valid field values and products (fast-check).

// ---------------------------------------------------------------------------------------------
// Arbitraries of valid field values.

export const between = (value: number, min: number, max: number) => value >= min && value <= max;

/** A string of min..max code points, kept as sent: Unicode or ASCII, and the length edges. */
export function text(min: number, max: number, size = 20): fc.Arbitrary<string> {
  const random = fc
    .oneof(
      fc.string({ unit: "grapheme", maxLength: size }),
      fc.string({ unit: "grapheme-ascii", maxLength: size }),
    )
    .filter((value) => between(codePoints(value), min, max));
  const edges = fc.constantFrom("x".repeat(max), "😀".repeat(max), "é".repeat(Math.max(min, 1)));
  return fc.oneof({ weight: 6, arbitrary: random }, { weight: 1, arbitrary: edges });
}

/** Text an identifier may be (no invisible character), of min..max code points as stored (trimmed, NFC). */
export const identifierText = (min: number, max: number, size = 20) =>
  text(min, max, size).filter(
    (value) => !hasInvisible(value) && between(codePoints(canonicalIdentifier(value)), min, max),
  );

export const PADDING = ["", "", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\ufeff"];
/** A min..max string the API trims, sent with whitespace around it. */
export function trimmed(min: number, max: number, size = 20, ofIdentifier = false): fc.Arbitrary<string> {
  const core = (ofIdentifier ? identifierText : text)(min, max, size).filter(
    (value) => value.trim() === value && value.length > 0,
  );
  return fc
    .tuple(fc.constantFrom(...PADDING), core, fc.constantFrom(...PADDING))
    .map(([before, value, after]) => `${before}${value}${after}`);
}

export const asciiWords = fc
  .array(fc.stringMatching(/^[A-Za-z0-9]{1,9}$/), { minLength: 1, maxLength: 70 })
  .chain((words) =>
    fc
      .array(fc.constantFrom(" ", "-", "_", " - ", ", ", "--", "."), {
        minLength: words.length,
        maxLength: words.length,
      })
      .map((separators) => words.map((word, index) => `${word}${separators[index]}`).join("")),
  )
  .filter((name) => name.trim().length > 0 && codePoints(name.trim()) <= 512);

export const nameArb = fc.oneof(
  { weight: 3, arbitrary: trimmed(1, 512, 30) },
  { weight: 2, arbitrary: asciiWords },
  { weight: 1, arbitrary: fc.constantFrom("!!!", "€ 5", "日本語", "Crème brûlée", "  ÆØÅ  ") },
);

export const slugArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(fc.stringMatching(/^[a-z0-9]{1,10}$/), { minLength: 1, maxLength: 4 })
      .map((w) => w.join("-")),
  },
  { weight: 1, arbitrary: fc.constantFrom("a".repeat(256), `${"ab-".repeat(85)}a`) },
);

/** A GTIN-8/12/13/14 with its check digit, sometimes with spaces and hyphens in it. */
export const gtinArb = fc
  .constantFrom(8, 12, 13, 14)
  .chain((length) =>
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length - 1, maxLength: length - 1 }),
  )
  .map((digits) => digits.join(""))
  .map((body) => `${body}${gs1CheckDigit(body)}`)
  .chain((gtin) =>
    fc
      .array(fc.constantFrom("", "", "", " ", "-"), { minLength: gtin.length, maxLength: gtin.length })
      .map((separators) =>
        [...gtin]
          .map((digit, index) => `${digit}${separators[index]}`)
          .join("")
          .replace(/[\s-]+$/, ""),
      ),
  );

export const amountArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: MAX_AMOUNT }) },
  { weight: 1, arbitrary: fc.constantFrom(0, MAX_AMOUNT) },
);
export const currencyArb = fc.mixedCase(fc.constantFrom(...CURRENCIES));

/** A price in one of its forms: amount; amount with extras; cost and markup (amount derived); all three agreeing. */
export const priceArb = fc
  .record({
    currency: currencyArb,
    form: fc.constantFrom("amount", "derived", "all"),
    amount: amountArb,
    compare: fc.option(amountArb, { nil: undefined }),
    compareNull: fc.boolean(),
    cost: fc.oneof(fc.integer({ min: 0, max: 1_000_000_000 }), fc.constantFrom(0, 10050)),
    markup: fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000_000 }),
      fc.constantFrom(200_000, -1_000_000, 5, 12_345),
    ),
    costOnly: fc.boolean(),
  })
  .map(({ currency, form, amount, compare, compareNull, cost, markup, costOnly }) => {
    const derived = derivedAmount(cost, markup);
    const extras: Body =
      compare !== undefined ? { compare_at_amount: compare } : compareNull ? { compare_at_amount: null } : {};
    if (form === "amount" || derived > BigInt(MAX_AMOUNT)) {
      // cost_amount alone (no markup) is kept as information; the amount is the price.
      return {
        currency,
        amount,
        ...extras,
        ...(costOnly ? { cost_amount: cost, markup_percent: null } : {}),
      };
    }
    const markupPercent = markup / 10_000;
    if (form === "derived") return { currency, cost_amount: cost, markup_percent: markupPercent, ...extras };
    return { currency, amount: Number(derived), cost_amount: cost, markup_percent: markupPercent, ...extras };
  });

export const pricesArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.uniqueArray(priceArb, { maxLength: 4, selector: (price) => price.currency.toUpperCase() }),
  },
  {
    weight: 1,
    arbitrary: fc.constant(CURRENCIES.slice(0, 50).map((currency, index) => ({ currency, amount: index }))),
  },
);

export const localeArb = fc.constantFrom(...LOCALES.map(([sent]) => sent));

/** A date or date-time, as a client may write the instant `time` (from) or the day it lies in. */
export function dateText(time: number, format: number): string {
  const iso = new Date(time).toISOString();
  switch (format) {
    case 0:
      return iso.slice(0, 10);
    case 1:
      return iso;
    case 2:
      return `${iso.slice(0, 19)}Z`;
    case 3:
      return `${iso.slice(0, 19).toLowerCase()}z`;
    case 4: {
      // The same instant at +05:30.
      const local = new Date(time + 330 * 60_000).toISOString();
      return `${local.slice(0, 23)}+05:30`;
    }
    case 5:
      // Nanoseconds (RFC 3339 allows any number of fraction digits).
      return `${iso.slice(0, 23)}000000Z`;
    default: {
      const local = new Date(time - 8 * 3_600_000).toISOString();
      return `${local.slice(0, 19)}-08:00`;
    }
  }
}
export const FROM_YEAR_2000 = Date.UTC(2000, 0, 1);
export const TO_YEAR_2100 = Date.UTC(2100, 11, 31);
/** A from/to window, each end optional (absent or null), from ≤ to; whole seconds, as every format writes them. */
export const secondArb = fc
  .integer({ min: FROM_YEAR_2000 / 1000, max: TO_YEAR_2100 / 1000 })
  .map((second) => second * 1000);
export const windowArb = fc
  .record({
    a: secondArb,
    b: secondArb,
    fromFormat: fc.nat(6),
    toFormat: fc.nat(6),
    from: fc.constantFrom("absent", "set", "set", "null"),
    to: fc.constantFrom("absent", "set", "set", "null"),
    same: fc.boolean(),
  })
  .map(({ a, b, fromFormat, toFormat, from, to, same }) => {
    const start = Math.min(a, b);
    const end = same ? start : Math.max(a, b);
    const value = (mode: string, text: string) =>
      mode === "set" ? text : mode === "null" ? null : undefined;
    return { from: value(from, dateText(start, fromFormat)), to: value(to, dateText(end, toFormat)) };
  });

export const DAY = 86_400_000;
export const parseDate = (value: string) =>
  Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
/** The last millisecond a date or date-time covers: a date is its whole UTC day. */
export const lastMillisecond = (value: string) =>
  parseDate(value) + (/^\d{4}-\d{2}-\d{2}$/.test(value) ? DAY - 1 : 0);

export const inventoryArb = fc
  .record(
    {
      tracking: fc.constantFrom("none", "product", "variant"),
      quantity: fc.oneof(
        fc.integer({ min: -MAX_QUANTITY, max: MAX_QUANTITY }),
        fc.constantFrom(0, 1, -1, MAX_QUANTITY, -MAX_QUANTITY),
      ),
      low_stock_threshold: fc.option(fc.integer({ min: 0, max: MAX_QUANTITY })),
      allow_backorder: fc.boolean(),
      min_order_quantity: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.constantFrom(1, MAX_QUANTITY)),
      max_order_quantity: fc.option(fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constant(MAX_QUANTITY))),
    },
    { requiredKeys: [] },
  )
  .map((inventory) => {
    const fixed: Body = { ...inventory };
    // the contract: quantity < 0 only with backorder; min ≤ max.
    if ((inventory.quantity ?? 0) < 0) fixed.allow_backorder = true;
    const min = inventory.min_order_quantity ?? 1;
    if (
      inventory.max_order_quantity !== undefined &&
      inventory.max_order_quantity !== null &&
      inventory.max_order_quantity < min
    ) {
      fixed.max_order_quantity = min;
    }
    return fixed;
  });

export const attributeArb = fc.record(
  { name: text(1, 128), value: text(1, 1024), locale: localeArb },
  { requiredKeys: ["name", "value"] },
);

export const customFieldArb = fc.oneof(
  fc.record(
    {
      name: text(1, 128),
      type: fc.constantFrom("size", "checkboxes"),
      values: fc.array(text(1, 128, 10), { minLength: 1, maxLength: 4 }),
      locale: localeArb,
    },
    { requiredKeys: ["name", "type", "values"] },
  ),
  fc.record(
    { name: text(1, 128), type: fc.constantFrom("textfield", "textarea"), locale: localeArb },
    { requiredKeys: ["name", "type"] },
  ),
  fc
    .record({
      name: text(1, 128),
      window: windowArb,
      fallback: fc.integer({ min: FROM_YEAR_2000, max: TO_YEAR_2100 }),
    })
    .map(({ name, window, fallback }) => ({
      name,
      type: "date_picker",
      range_from: window.from ?? dateText(fallback, 0),
      range_to: window.to ?? dateText(fallback, 0),
    }))
    .filter((field) => parseDate(field.range_from) <= lastMillisecond(field.range_to)),
);

/** JSON values for props; no `__proto__` key (that one has a property of its own below). */
export const propKey = fc.string({ maxLength: 10 }).filter((key) => key !== "__proto__");
export const { propValue } = fc.letrec((tie) => ({
  propValue: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    fc.string({ unit: "grapheme", maxLength: 12 }),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("propValue"), { maxLength: 3 }),
    fc.dictionary(propKey, tie("propValue"), { maxKeys: 4, noNullPrototype: true }),
  ),
}));
export const propsArb = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .dictionary(propKey, propValue, { maxKeys: 6, noNullPrototype: true })
      .map((props) => wire(props))
      .filter((props) => depth(props) <= 5 && jsonBytes(props) <= 8 * 1024),
  },
  // The edges: exactly 16 KiB serialised, exactly 5 levels deep.
  { weight: 1, arbitrary: fc.constant({ k: "x".repeat(PROPS_MAX_BYTES - 8) }) },
  { weight: 1, arbitrary: fc.constant({ a: { b: [{ c: { d: 1 } }] } }) },
);

export const uuidArb = fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] });
export const destinationArb = fc.record(
  {
    url: fc.webUrl({ validSchemes: ["http", "https"] }).filter((url) => url.length <= 2048),
    chatbot: uuidArb,
    page: uuidArb,
    knowledge_base: uuidArb,
  },
  { requiredKeys: [] },
);

export const localizationArb = fc.record(
  {
    name: nameArb,
    description: fc.option(text(0, 5000)),
    slug: fc.option(slugArb),
    seo: fc.option(
      fc.record(
        { title: fc.option(text(0, 256)), description: fc.option(text(0, 1024)) },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: ["name"] },
);
export const localizationsArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .uniqueArray(fc.constantFrom(...LOCALES), { maxLength: 4, selector: ([, canonical]) => canonical })
      .chain((locales) =>
        fc
          .array(localizationArb, { minLength: locales.length, maxLength: locales.length })
          .map((entries) => Object.fromEntries(locales.map(([sent], index) => [sent, entries[index]]))),
      ),
  },
  // The edge: 50 locales.
  {
    weight: 1,
    arbitrary: fc.constant(
      Object.fromEntries(
        COUNTRIES.slice(0, 50).map((country) => [`pt-${country.toLowerCase()}`, { name: `Name ${country}` }]),
      ),
    ),
  },
);

/** An array of small random items, or, now and then, exactly `max` of them. */
export function upTo<T>(
  item: fc.Arbitrary<T>,
  max: number,
  edgeItem: fc.Arbitrary<T> = item,
): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(item, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(edgeItem, { minLength: max, maxLength: max }) },
  );
}

/** The fields of a product but options and variants. */
export const baseArb = fc
  .record(
    {
      name: nameArb,
      description: fc.oneof(fc.constant(null), text(0, 5000, 40), fc.constant("d".repeat(5000))),
      status: fc.constantFrom("unconfigured", "active", "inactive", "archived"),
      type: fc.constantFrom("physical", "service", "digital"),
      shippable: fc.boolean(),
      schedule_appointment: fc.boolean(),
      sku: fc.option(identifierText(1, 64, 16)),
      gtin: fc.option(gtinArb),
      tax_category: fc.option(text(1, 64, 16)),
      tax_behavior: fc.constantFrom("exclusive", "inclusive"),
      prices: pricesArb,
      features: upTo(text(1, 512), 100, fc.constant("f")),
      tags: upTo(
        fc.oneof(trimmed(1, 64, 12, true), fc.constantFrom("sale", " sale", "sale ", "new")),
        50,
        fc.constantFrom("a", "b", " a "),
      ),
      props: propsArb,
      agent_ids: upTo(
        fc.oneof(identifierText(1, 128, 12), fc.constantFrom("agent_1", "agent_2")),
        100,
        fc.constantFrom("agent_1", "agent_2"),
      ),
      slug: fc.option(slugArb),
      seo: fc.option(
        fc.record(
          { title: fc.option(text(0, 256)), description: fc.option(text(0, 1024)) },
          { requiredKeys: [] },
        ),
      ),
      default_locale: localeArb,
      localizations: localizationsArb,
      visible: fc.boolean(),
      buyable: fc.boolean(),
      on_sale: fc.boolean(),
      discountable: fc.boolean(),
      reviews_allowed: fc.boolean(),
      exclude_from_feeds: fc.boolean(),
      attributes: upTo(attributeArb, 200, fc.constant({ name: "n", value: "v" })),
      custom_fields: upTo(customFieldArb, 50, fc.constant({ name: "c", type: "textfield" })),
      allowed_countries: upTo(fc.mixedCase(fc.constantFrom(...COUNTRIES)), 249),
      destination: fc.option(destinationArb),
      related_product_ids: fc.array(fc.constantFrom("@0", "@1"), { maxLength: 3 }),
      inventory: fc.option(inventoryArb),
      image_urls: fc.constantFrom(null, []),
    },
    { requiredKeys: ["name"] },
  )
  .chain((product) =>
    fc
      .record({
        defaultCurrency: fc.option(fc.tuple(fc.nat(), fc.boolean()), { nil: undefined }),
        available: windowArb,
        novelty: windowArb,
      })
      .map(({ defaultCurrency, available, novelty }) => {
        const body: Body = { ...product };
        // shippable: true is invalid for service and digital products.
        if (body.type !== undefined && body.type !== "physical" && body.shippable === true)
          body.shippable = false;
        // default_currency: one of the prices' currencies, any case; null or absent otherwise.
        const prices = asList(body.prices);
        if (defaultCurrency === null) body.default_currency = null;
        else if (defaultCurrency !== undefined && prices.length > 0) {
          const [index, lower] = defaultCurrency;
          const currency = String(asBody(prices[index % prices.length]).currency);
          body.default_currency = lower ? currency.toLowerCase() : currency.toUpperCase();
        }
        for (const [[from, to], window] of [
          [WINDOWS[0], available],
          [WINDOWS[1], novelty],
        ] as const) {
          if (window.from !== undefined) body[from] = window.from;
          if (window.to !== undefined) body[to] = window.to;
        }
        return body;
      }),
  );

/** Options (unique trimmed names, unique trimmed values) and variants naming one value of each. */
export function optionsAndVariantsArb(product: Body): fc.Arbitrary<Body> {
  const productCurrencies = asList(product.prices).map((price) =>
    String(asBody(price).currency).toUpperCase(),
  );
  const productAmount = (currency: string) =>
    Number(
      asBody(
        asList(product.prices).find((price) => String(asBody(price).currency).toUpperCase() === currency),
      ).amount ?? 0,
    );
  const optionArb = fc
    .record({
      name: trimmed(1, 128, 8, true).filter((name) => name.trim() !== "__proto__"),
      values: fc.uniqueArray(trimmed(1, 128, 6, true), {
        minLength: 1,
        maxLength: 4,
        selector: canonicalIdentifier,
      }),
      display: fc.constantFrom(undefined, "dropdown", "radio"),
      localized: fc.subarray(["de", "fr", "pt-BR"]),
      translation: fc
        .string({ unit: "grapheme-ascii", minLength: 1, maxLength: 6 })
        .filter((value) => value.trim() === value),
    })
    .map(({ name, values, display, localized, translation }) => {
      const option: Body = { name, values };
      if (display !== undefined) option.display = display;
      if (localized.length > 0) {
        option.localizations = Object.fromEntries(
          localized.map((locale) => [
            locale,
            {
              name: `${translation} ${locale}`,
              values: values.map((_, index) => ` ${translation}${index} `),
            },
          ]),
        );
      }
      return option;
    });
  const optionsArb = fc.oneof(
    { weight: 3, arbitrary: fc.constant([] as Body[]) },
    {
      weight: 4,
      arbitrary: fc.uniqueArray(optionArb, {
        maxLength: 3,
        selector: (option) => canonicalIdentifier(String(option.name)),
      }),
    },
    // The edges: 5 options; 250 variants (16 × 16 combinations).
    {
      weight: 1,
      arbitrary: fc.constant(
        Array.from({ length: 5 }, (_, index) => ({ name: `Option ${index}`, values: ["a", "b"] })) as Body[],
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constant(
        ["Size", "Colour"].map((name) => ({
          name,
          values: Array.from({ length: 16 }, (_, index) => `${name[0]}${index}`),
        })) as Body[],
      ),
    },
  );
  return fc
    .record({ options: optionsArb, pricing: fc.constantFrom(undefined, "absolute", "delta") })
    .chain(({ options, pricing }) => {
      const names = options.map((option) => String(option.name).trim());
      const values = options.map((option) => asList(option.values).map((value) => String(value).trim()));
      const combinations = values.reduce((count, list) => count * list.length, options.length > 0 ? 1 : 0);
      const delta = pricing === "delta";
      const variantPriceArb = delta
        ? productCurrencies.length === 0
          ? fc.constant([] as Body[])
          : fc
              .uniqueArray(fc.constantFrom(...productCurrencies), { minLength: 1, maxLength: 2 })
              .chain((currencies) =>
                fc.tuple(
                  ...currencies.map((currency) =>
                    fc
                      .integer({ min: -productAmount(currency), max: MAX_AMOUNT })
                      .map((amount) => ({ currency: currency.toLowerCase(), amount })),
                  ),
                ),
              )
        : fc.uniqueArray(fc.record({ currency: currencyArb, amount: amountArb }), {
            maxLength: 2,
            selector: (price) => price.currency.toUpperCase(),
          });
      const variantArb = fc.record(
        {
          sku: fc.option(identifierText(1, 64, 12)),
          gtin: fc.option(gtinArb),
          prices: variantPriceArb,
          inventory: fc.option(
            fc.record(
              {
                quantity: fc.integer({ min: 0, max: MAX_QUANTITY }),
                allow_backorder: fc.boolean(),
                tracked: fc.boolean(),
              },
              { requiredKeys: [] },
            ),
          ),
          visible: fc.boolean(),
          image_ids: fc.constant([]),
        },
        { requiredKeys: [] },
      );
      const count = Math.min(combinations, combinations >= 250 ? 250 : 4);
      const combos =
        combinations >= 250
          ? fc.constant(Array.from({ length: 250 }, (_, index) => [Math.floor(index / 16), index % 16]))
          : fc.uniqueArray(fc.tuple(...values.map((list) => fc.nat(list.length - 1))), {
              maxLength: count,
              selector: (combo) => combo.join(","),
            });
      return (options.length === 0 ? fc.constant([] as number[][]) : combos).chain((chosen) =>
        fc.array(variantArb, { minLength: chosen.length, maxLength: chosen.length }).map((variants) => {
          const body: Body = {};
          if (options.length > 0 || Math.random() < 0.5) body.options = options;
          if (pricing !== undefined) body.variant_pricing = pricing;
          if (chosen.length > 0) {
            body.variants = chosen.map((combo, index) => ({
              // Variants name options by their trimmed names and values, keys in any order.
              options: Object.fromEntries(
                names.map((name, at) => [name, values[at]?.[combo[at] ?? 0]]).reverse(),
              ),
              ...(combinations >= 250 ? {} : variants[index]),
            }));
          }
          return body;
        }),
      );
    });
}

/** Product and variant skus and gtins unique (the contract: unique per org across products and variants). */
export function uniqueIdentifiers(body: Body): Body {
  const skus = new Set<string>();
  const gtins = new Set<string>();
  const claim = (holder: Body) => {
    if (typeof holder.sku === "string") {
      const key = canonicalIdentifier(holder.sku);
      if (skus.has(key)) holder.sku = null;
      else skus.add(key);
    }
    if (typeof holder.gtin === "string") {
      const key = gtinDigits(holder.gtin).padStart(14, "0");
      if (gtins.has(key)) holder.gtin = null;
      else gtins.add(key);
    }
  };
  claim(body);
  for (const variant of asList(body.variants)) claim(asBody(variant));
  return body;
}

/** A valid product body: every writable field but image_urls' fetches. */
export const productArb: fc.Arbitrary<Body> = baseArb.chain((base) =>
  optionsAndVariantsArb(base).map((extra) => uniqueIdentifiers(clone({ ...base, ...extra }))),
);

// ---------------------------------------------------------------------------------------------
