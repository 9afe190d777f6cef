import { DAY, parseDate } from "./arbitraries";
import {
  asBody,
  asList,
  type Body,
  COUNTRIES,
  CURRENCIES,
  clone,
  FLAGS,
  gtinDigits,
  isObject,
  MAX_AMOUNT,
  MAX_QUANTITY,
  PROPS_MAX_BYTES,
  WINDOWS,
} from "./model";

// Invalid data: one field of a valid product broken, as a create, a PUT and a PATCH.

// ---------------------------------------------------------------------------------------------
// Invalid data: one field of a valid product broken, as a create, a PUT and a PATCH.

export type Mutation = {
  name: string;
  /** Breaks one field of `body` in place; returns the failing field's path, or undefined when it does not apply. */
  apply: (body: Body, k: number) => string | undefined;
};

export const listAt = (body: Body, key: string): unknown[] => {
  if (!Array.isArray(body[key])) body[key] = [];
  return body[key] as unknown[];
};
export const objectAt = (body: Body, key: string): Body => {
  if (!isObject(body[key])) body[key] = {};
  return body[key] as Body;
};
/** An item of the list at `key` (one made by `make` when the list is empty): [index, item]. */
export function itemAt(body: Body, key: string, k: number, make: () => unknown): [number, Body] {
  const list = listAt(body, key);
  if (list.length === 0) list.push(make());
  const index = k % list.length;
  if (!isObject(list[index])) list[index] = make();
  return [index, list[index] as Body];
}
export const choose = <T>(values: readonly T[], k: number): T => values[k % values.length] as T;
export const FAKE_ID = `prod_${"0".repeat(26)}`;
export const effectiveType = (body: Body) => String(body.type ?? "physical");
export const priceCurrencies = (body: Body) =>
  asList(body.prices).map((price) => String(asBody(price).currency).toUpperCase());
export const hasDeltaVariants = (body: Body) =>
  body.variant_pricing === "delta" && asList(body.variants).length > 0;

export const m = (name: string, apply: Mutation["apply"]): Mutation => ({ name, apply });
export const MUTATIONS: Mutation[] = [
  m("name: too long, blank, wrong type, null", (b, k) => {
    b.name = choose(["n".repeat(513), " \t\n ", "", 42, ["x"], null, `${"😀".repeat(513)}`], k);
    return "name";
  }),
  m("description: too long or wrong type", (b, k) => {
    b.description = choose(["d".repeat(5001), 5, { text: "x" }], k);
    return "description";
  }),
  m("status: not an enum value", (b, k) => {
    b.status = choose(["deleted", "Active", "", 1], k);
    return "status";
  }),
  m("type: not an enum value", (b) => {
    b.type = "bundle";
    return "type";
  }),
  m("shippable: wrong type", (b) => {
    b.shippable = "yes";
    return "shippable";
  }),
  m("shippable: true for a service or digital product", (b) => {
    if (effectiveType(b) === "physical") return undefined;
    b.shippable = true;
    return "shippable";
  }),
  m("schedule_appointment: wrong type", (b) => {
    b.schedule_appointment = "true";
    return "schedule_appointment";
  }),
  m("sku: too long, empty, wrong type", (b, k) => {
    b.sku = choose(["s".repeat(65), "", 12], k);
    return "sku";
  }),
  m("gtin: wrong check digit", (b) => {
    const digits = gtinDigits(typeof b.gtin === "string" ? b.gtin : "4006381333931");
    b.gtin = `${digits.slice(0, -1)}${(Number(digits.slice(-1)) + 1) % 10}`;
    return "gtin";
  }),
  m("gtin: wrong length or not digits", (b, k) => {
    b.gtin = choose(["4006381333", "40063813339311", "400638133393A", "", 4006381333931], k);
    if (b.gtin === "40063813339311") b.gtin = "40063813339312"; // 14 digits, wrong check digit
    return "gtin";
  }),
  m("tax_category / tax_behavior", (b, k) => {
    if (k % 2 === 0) {
      b.tax_category = choose(["t".repeat(65), ""], k >> 1);
      return "tax_category";
    }
    b.tax_behavior = "included";
    return "tax_behavior";
  }),
  m("prices: 51", (b) => {
    b.prices = CURRENCIES.slice(0, 51).map((currency) => ({ currency, amount: 1 }));
    return "prices";
  }),
  m("prices: not a list", (b) => {
    b.prices = { currency: "EUR", amount: 1 };
    return "prices";
  }),
  m("prices[i].currency: unknown or wrong type", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    price.currency = choose(["XXX", "EURO", "", 978, "eu", "ZZZ"], k);
    return `prices[${i}].currency`;
  }),
  m("prices[i].amount: out of range or not an integer", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    price.amount = choose([MAX_AMOUNT + 1, -1, 12.5, "100"], k);
    return `prices[${i}].amount`;
  }),
  m("prices[i].compare_at_amount / cost_amount: out of range", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    const field = choose(["compare_at_amount", "cost_amount"], k);
    price[field] = choose([-1, MAX_AMOUNT + 1, 0.5], k >> 1);
    return `prices[${i}].${field}`;
  }),
  m("prices[i].markup_percent: out of range or over 4 decimals", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    price.markup_percent = choose([-100.5, 100_000.5, 1.23456, "20"], k);
    return `prices[${i}].markup_percent`;
  }),
  m("prices[i]: amount disagrees with cost and markup", (b, k) => {
    if (hasDeltaVariants(b)) return undefined;
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    Object.assign(price, { cost_amount: 10050, markup_percent: 20, amount: 12061 });
    return `prices[${i}].amount`;
  }),
  m("prices[i]: no amount, no cost and markup", (b, k) => {
    if (hasDeltaVariants(b)) return undefined;
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    delete price.amount;
    price.cost_amount = null;
    price.markup_percent = null;
    return `prices[${i}].amount`;
  }),
  m("prices[i]: unknown field", (b, k) => {
    const [i, price] = itemAt(b, "prices", k, () => ({ currency: "EUR", amount: 100 }));
    price.price = 100;
    return `prices[${i}].price`;
  }),
  m("prices: a second price of one currency", (b) => {
    const prices = asList(b.prices);
    // (With delta variants the second price would also move their base price.)
    if (prices.length === 0 || prices.length >= 50 || hasDeltaVariants(b)) return undefined;
    prices.push({ currency: String(asBody(prices[0]).currency).toLowerCase(), amount: 1 });
    return `prices[${prices.length - 1}].currency`;
  }),
  m("default_currency: not a currency of prices", (b, k) => {
    const taken = priceCurrencies(b);
    b.default_currency = k % 3 === 0 ? "XXX" : CURRENCIES.find((code) => !taken.includes(code));
    return "default_currency";
  }),
  m("features: 101, not a list", (b, k) => {
    b.features = k % 2 === 0 ? Array.from({ length: 101 }, () => "f") : "a, b";
    return "features";
  }),
  m("features[i]: empty, too long, wrong type", (b, k) => {
    const list = listAt(b, "features");
    if (list.length === 0) list.push("feature");
    const i = k % list.length;
    list[i] = choose(["", "f".repeat(513), 5], k);
    return `features[${i}]`;
  }),
  m("tags: 51, not a list", (b, k) => {
    b.tags = k % 2 === 0 ? Array.from({ length: 51 }, (_, index) => `t${index}`) : "a,b";
    return "tags";
  }),
  m("tags[i]: blank, too long, wrong type", (b, k) => {
    const list = listAt(b, "tags");
    if (list.length === 0) list.push("tag");
    const i = k % list.length;
    list[i] = choose(["   ", "t".repeat(65), ` ${"t".repeat(65)} `, 7], k);
    return `tags[${i}]`;
  }),
  m("props: not an object", (b, k) => {
    b.props = choose(["a string", [1, 2], 5, true], k);
    return "props";
  }),
  m("props: 6 levels deep", (b, k) => {
    objectAt(b, "props").deep = choose(
      [{ a: { b: { c: { d: { e: 1 } } } } }, [[[[[1]]]]], { a: [{ b: [{}] }] }],
      k,
    );
    return "props";
  }),
  m("props: over 16 KiB serialised", (b) => {
    objectAt(b, "props").big = "x".repeat(PROPS_MAX_BYTES);
    return "props";
  }),
  m("agent_ids: 101; agent_ids[i] too long", (b, k) => {
    if (k % 2 === 0) {
      b.agent_ids = Array.from({ length: 101 }, (_, index) => `agent_${index}`);
      return "agent_ids";
    }
    const list = listAt(b, "agent_ids");
    if (list.length === 0) list.push("agent");
    const i = k % list.length;
    list[i] = choose(["a".repeat(129), "", 3], k >> 1);
    return `agent_ids[${i}]`;
  }),
  m("slug: not the slug pattern, too long", (b, k) => {
    b.slug = choose(["Bad Slug", "a--b", "-a", "a-", "a".repeat(257), "äb", "UPPER", "", 7, "a_b"], k);
    return "slug";
  }),
  m("seo: wrong type", (b) => {
    b.seo = "A title";
    return "seo";
  }),
  m("seo.title / seo.description: too long, wrong type; seo: unknown field", (b, k) => {
    const seo = objectAt(b, "seo");
    switch (k % 4) {
      case 0:
        seo.title = "t".repeat(257);
        return "seo.title";
      case 1:
        seo.description = "d".repeat(1025);
        return "seo.description";
      case 2:
        seo.title = 5;
        return "seo.title";
      default:
        seo.keywords = "coffee";
        return "seo.keywords";
    }
  }),
  m("default_locale: not a BCP 47 tag", (b, k) => {
    b.default_locale = choose(["en_US", "", "e", "x".repeat(36), 5, "english!", "en-"], k);
    return "default_locale";
  }),
  m("localizations: 51 locales, not an object", (b, k) => {
    b.localizations =
      k % 2 === 0
        ? Object.fromEntries(COUNTRIES.slice(0, 51).map((country) => [`en-${country}`, { name: country }]))
        : "de";
    return "localizations";
  }),
  m(
    "localizations.<locale>: name empty, too long, wrong type, missing; slug bad; seo too long; unknown field; not an object",
    (b, k) => {
      const localizations = objectAt(b, "localizations");
      const keys = Object.keys(localizations);
      const key = keys.length === 0 ? "de" : (keys[k % keys.length] as string);
      if (!isObject(localizations[key])) localizations[key] = { name: "Name" };
      const entry = localizations[key] as Body;
      switch ((k >> 3) % 8) {
        case 0:
          entry.name = choose(["", "  ", "n".repeat(513), 4], k);
          return `localizations.${key}.name`;
        case 1:
          entry.name = null;
          return `localizations.${key}.name`;
        case 2:
          entry.slug = choose(["Bad Slug", "a--b", "x".repeat(257)], k);
          return `localizations.${key}.slug`;
        case 3:
          entry.seo = { title: "t".repeat(257) };
          return `localizations.${key}.seo.title`;
        case 4:
          entry.description = "d".repeat(5001);
          return `localizations.${key}.description`;
        case 5:
          entry.title = "x";
          return `localizations.${key}.title`;
        case 6:
          localizations[key] = "Name";
          return `localizations.${key}`;
        default:
          entry.seo = { keywords: "x" };
          return `localizations.${key}.seo.keywords`;
      }
    },
  ),
  m("localizations: a key that is not a BCP 47 tag", (b, k) => {
    const key = choose(["en_US!", "not a locale", "x".repeat(40), "e"], k);
    const localizations = objectAt(b, "localizations");
    if (Object.keys(localizations).length >= 50) return undefined;
    localizations[key] = { name: "Valid name" };
    return `localizations.${key}`;
  }),
  m("localizations: two keys of one locale", (b) => {
    const localizations = objectAt(b, "localizations");
    const key = Object.keys(localizations).find((candidate) => candidate.toUpperCase() !== candidate);
    if (key === undefined) return undefined;
    const twin = key.toUpperCase();
    if (twin in localizations || Object.keys(localizations).length >= 50) return undefined;
    localizations[twin] = { name: "Twin" };
    return `localizations.${twin}`;
  }),
  m("merchandising flag: wrong type", (b, k) => {
    const flag = choose(FLAGS, k);
    b[flag] = choose(["yes", 1, "true"], k >> 3);
    return flag;
  }),
  m("dates: not a date or date-time, a date that does not exist", (b, k) => {
    const field = choose(["available_from", "available_to", "new_from", "new_to"], k);
    b[field] = choose(
      [
        "2026-02-30",
        "tomorrow",
        "2026-13-01",
        "2026-11-01T25:00:00Z",
        20_260_101,
        "2026-11-01 10:00:00Z",
        "2026-11-01T10:00:00",
      ],
      k >> 2,
    );
    return field;
  }),
  m("dates: to before from", (b, k) => {
    const [from, to] = choose(WINDOWS, k);
    if (typeof b[from] !== "string") return undefined;
    b[to] = new Date(parseDate(b[from] as string) - 2 * DAY).toISOString().slice(0, 10);
    return to;
  }),
  m("inventory: wrong type", (b) => {
    b.inventory = "plenty";
    return "inventory";
  }),
  m("inventory.<field>: bad value; unknown field", (b, k) => {
    const inventory = objectAt(b, "inventory");
    const [field, value] = choose(
      [
        ["tracking", "always"],
        ["quantity", MAX_QUANTITY + 1],
        ["quantity", 1.5],
        ["low_stock_threshold", -1],
        ["allow_backorder", "no"],
        ["min_order_quantity", 0],
        ["max_order_quantity", 0],
        ["reserved", 1],
      ] as const,
      k,
    );
    inventory[field] = value;
    return `inventory.${field}`;
  }),
  m("inventory.quantity: below 0 without backorder", (b) => {
    const inventory = objectAt(b, "inventory");
    if (inventory.allow_backorder === true) return undefined;
    inventory.quantity = -1;
    return "inventory.quantity";
  }),
  m("inventory.max_order_quantity: below min_order_quantity", (b) => {
    const inventory = objectAt(b, "inventory");
    const min = Number(inventory.min_order_quantity ?? 1);
    if (min < 2) return undefined;
    inventory.max_order_quantity = min - 1;
    return "inventory.max_order_quantity";
  }),
  m("attributes: 201, not a list", (b, k) => {
    b.attributes =
      k % 2 === 0 ? Array.from({ length: 201 }, () => ({ name: "a", value: "v" })) : { name: "a" };
    return "attributes";
  }),
  m("attributes[i]: bad name, value or locale; unknown field", (b, k) => {
    const [i, attribute] = itemAt(b, "attributes", k, () => ({ name: "Voltage", value: "230 V" }));
    const [field, value] = choose(
      [
        ["name", ""],
        ["name", "n".repeat(129)],
        ["value", "v".repeat(1025)],
        ["value", 230],
        ["locale", "en_US!"],
        ["lang", "en"],
      ] as const,
      k >> 2,
    );
    attribute[field] = value;
    return `attributes[${i}].${field}`;
  }),
  m("custom_fields: 51", (b) => {
    b.custom_fields = Array.from({ length: 51 }, () => ({ name: "c", type: "textfield" }));
    return "custom_fields";
  }),
  m("custom_fields[i]: bad type, values, ranges", (b, k) => {
    const list = listAt(b, "custom_fields");
    const i = list.length === 0 ? 0 : k % list.length;
    const [field, path] = choose(
      [
        [{ name: "c", type: "dropdown" }, "type"],
        [{ name: "c", type: "checkboxes" }, "values"],
        [{ name: "c", type: "size", values: [] }, "values"],
        [{ name: "c", type: "size", values: [""] }, "values[0]"],
        [{ name: "c", type: "textfield", values: ["a"] }, "values"],
        [{ name: "c", type: "date_picker", range_from: "2026-12-02", range_to: "2026-12-01" }, "range_to"],
        [{ name: "c", type: "date_picker", range_to: "2026-12-01" }, "range_from"],
        [{ name: "c", type: "textarea", range_from: "2026-12-01" }, "range_from"],
        [{ name: "", type: "textarea" }, "name"],
        [{ name: "c", type: "textarea", locale: "en_US!" }, "locale"],
      ] as const,
      k >> 2,
    );
    list[i] = field;
    return `custom_fields[${i}].${path}`;
  }),
  m("allowed_countries: 250; allowed_countries[i]: not a country", (b, k) => {
    if (k % 3 === 0) {
      b.allowed_countries = Array.from({ length: 250 }, () => "DE");
      return "allowed_countries";
    }
    const list = listAt(b, "allowed_countries");
    if (list.length === 0) list.push("DE");
    const i = k % list.length;
    list[i] = choose(["XX", "USA", "", "de-DE", 49, "UK"], k >> 2);
    return `allowed_countries[${i}]`;
  }),
  m("destination: wrong type; bad url or uuid; unknown field", (b, k) => {
    if (k % 6 === 0) {
      b.destination = "https://example.com";
      return "destination";
    }
    const destination = objectAt(b, "destination");
    const [field, value] = choose(
      [
        ["url", "ftp://example.com/a"],
        ["url", "not a url"],
        ["url", `https://example.com/${"a".repeat(2040)}`],
        ["chatbot", "123"],
        ["page", "0b8a1c5e-4f4e-0c7b-9a55-7d7f4a1f2b3c"],
        ["knowledge_base", 5],
        ["email", "a@example.com"],
      ] as const,
      k >> 2,
    );
    destination[field] = value;
    return `destination.${field}`;
  }),
  m("related_product_ids: an id of no product of the org", (b) => {
    const list = listAt(b, "related_product_ids");
    // With duplicates in the list the server names the wrong index: see "related_product_ids
    // failures name the body's index" below, which keeps that case.
    if (new Set(list).size !== list.length || list.length >= 50) return undefined;
    list.push(FAKE_ID);
    return `related_product_ids[${list.length - 1}]`;
  }),
  m("related_product_ids: 51, not a list; related_product_ids[i]: wrong type", (b, k) => {
    if (k % 3 === 2) {
      const list = listAt(b, "related_product_ids");
      list.push(5);
      return `related_product_ids[${list.length - 1}]`;
    }
    b.related_product_ids = k % 3 === 0 ? Array.from({ length: 51 }, (_, index) => `prod_${index}`) : FAKE_ID;
    return "related_product_ids";
  }),
  m("options: 6, not a list", (b, k) => {
    b.options =
      k % 2 === 0
        ? Array.from({ length: 6 }, (_, index) => ({ name: `o${index}`, values: ["a"] }))
        : { name: "Size" };
    return "options";
  }),
  m("options[i]: bad name, values, display; unknown field", (b, k) => {
    const [i, option] = itemAt(b, "options", k, () => ({ name: "Size", values: ["S"] }));
    const values = asList(option.values);
    switch ((k >> 2) % 7) {
      case 0:
        option.name = choose(["", "   ", "o".repeat(129)], k);
        return `options[${i}].name`;
      case 1:
        option.values = [];
        return `options[${i}].values`;
      case 2:
        option.values = Array.from({ length: 101 }, (_, index) => `v${index}`);
        return `options[${i}].values`;
      case 3: {
        const j = k % Math.max(values.length, 1);
        values[j] = choose(["", "  ", "v".repeat(129)], k);
        option.values = values;
        return `options[${i}].values[${j}]`;
      }
      case 4:
        option.display = "list";
        return `options[${i}].display`;
      case 5:
        option.position = 1;
        return `options[${i}].position`;
      default:
        option.localizations = { de: { name: "", values: values } };
        return `options[${i}].localizations.de.name`;
    }
  }),
  m("options[i].values: a value twice", (b, k) => {
    const options = asList(b.options);
    if (options.length === 0) return undefined;
    const i = k % options.length;
    const option = asBody(options[i]);
    const values = asList(option.values);
    if (values.length >= 100 || Object.keys(asBody(option.localizations)).length > 0) return undefined;
    values.push(` ${String(values[0]).trim()} `);
    return `options[${i}].values[${values.length - 1}]`;
  }),
  m("options: two options of one name", (b) => {
    const options = asList(b.options);
    if (options.length === 0 || options.length >= 5) return undefined;
    options.push(clone(options[0]));
    return `options[${options.length - 1}].name`;
  }),
  m("options[i].localizations.<locale>.values: not one per value", (b, k) => {
    const [i, option] = itemAt(b, "options", k, () => ({ name: "Size", values: ["S"] }));
    const values = asList(option.values);
    option.localizations = {
      ...asBody(option.localizations),
      de: { name: "Größe", values: values.length >= 2 ? values.slice(1) : ["a", "b"] },
    };
    return `options[${i}].localizations.de.values`;
  }),
  m("variants: without options; 251; not a list", (b, k) => {
    if (k % 3 === 0) {
      if (asList(b.options).length > 0) return undefined;
      b.variants = [{ options: {} }];
      return "variants";
    }
    b.variants = k % 3 === 1 ? Array.from({ length: 251 }, () => ({ options: {} })) : { options: {} };
    return "variants";
  }),
  m("variants[i]: bad option value, sku, gtin, price, inventory, image; unknown field", (b, k) => {
    const variants = asList(b.variants);
    if (variants.length === 0) return undefined;
    const i = k % variants.length;
    const variant = asBody(variants[i]);
    const options = asBody(variant.options);
    const names = Object.keys(options);
    switch ((k >> 3) % 12) {
      case 0: {
        const name = choose(names, k);
        options[name] = `${String(options[name])} (not a value)`;
        return `variants[${i}].options.${name}`;
      }
      case 1: {
        const name = choose(names, k);
        delete options[name];
        return `variants[${i}].options.${name}`;
      }
      case 2:
        options["No such option"] = "x";
        return `variants[${i}].options.No such option`;
      case 3:
        variant.sku = "s".repeat(65);
        return `variants[${i}].sku`;
      case 4:
        variant.gtin = "4006381333932";
        return `variants[${i}].gtin`;
      case 5:
        variant.prices = [{ currency: "XXX", amount: 1 }];
        return `variants[${i}].prices[0].currency`;
      case 6:
        variant.visible = "y";
        return `variants[${i}].visible`;
      case 7:
        variant.inventory = { quantity: 1.5 };
        return `variants[${i}].inventory.quantity`;
      case 8:
        variant.image_ids = ["img_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK"];
        return `variants[${i}].image_ids[0]`;
      case 9:
        variant.colour = "red";
        return `variants[${i}].colour`;
      case 10:
        variant.options = "S";
        return `variants[${i}].options`;
      default:
        variant.prices = [{ currency: "EUR", amount: MAX_AMOUNT + 1 }];
        return `variants[${i}].prices[0].amount`;
    }
  }),
  m("variants[i].sku: the product's sku", (b, k) => {
    const variants = asList(b.variants);
    if (variants.length === 0 || typeof b.sku !== "string") return undefined;
    const i = k % variants.length;
    asBody(variants[i]).sku = b.sku;
    return `variants[${i}].sku`;
  }),
  m("variants: two variants of one combination", (b) => {
    const variants = asList(b.variants);
    if (variants.length === 0 || variants.length >= 250) return undefined;
    variants.push({ options: clone(asBody(variants[0]).options) });
    return `variants[${variants.length - 1}].options`;
  }),
  m("variants[i].prices: delta without a product price, absolute below 0", (b, k) => {
    const variants = asList(b.variants);
    if (variants.length === 0) return undefined;
    const i = k % variants.length;
    const variant = asBody(variants[i]);
    if (b.variant_pricing === "delta") {
      variant.prices = [
        { currency: CURRENCIES.find((code) => !priceCurrencies(b).includes(code)), amount: 1 },
      ];
      return `variants[${i}].prices[0].currency`;
    }
    variant.prices = [{ currency: "EUR", amount: -1 }];
    return `variants[${i}].prices[0].amount`;
  }),
  m("variant_pricing: not an enum value", (b) => {
    b.variant_pricing = "relative";
    return "variant_pricing";
  }),
  m("image_urls: 11, not a list, an empty url", (b, k) => {
    switch (k % 3) {
      case 0:
        b.image_urls = Array.from({ length: 11 }, (_, index) => `https://images.example/${index}.png`);
        return "image_urls";
      case 1:
        b.image_urls = "https://images.example/a.png";
        return "image_urls";
      default:
        b.image_urls = [""];
        return "image_urls[0]";
    }
  }),
  m("an unknown field", (b, k) => {
    const field = choose(["defaultPrice", "colour", "Name", "price", "currency", "image_url"], k);
    b[field] = 100;
    return field;
  }),
];

/** The first mutation from `start` on that applies to every one of `bodies`. */
export function applicable(start: number, bodies: Body[], k: number): Mutation {
  for (let offset = 0; offset < MUTATIONS.length; offset++) {
    const mutation = MUTATIONS[(start + offset) % MUTATIONS.length] as Mutation;
    if (bodies.every((body) => mutation.apply(clone(body), k) !== undefined)) return mutation;
  }
  throw new Error("no mutation applies");
}

/** A merge patch with the one top-level field of `path` as the mutated body has it. */
export function patchOf(mutated: Body, path: string): Body {
  const top = path.split(/[.[]/)[0] as string;
  return { [top]: mutated[top] };
}
