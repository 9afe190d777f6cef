// A deterministic synthetic catalogue: the same (count, seed, org, key, base time) gives the same
// products, byte for byte, so the Worker and the peer are seeded with identical rows without
// shipping 100k rows between processes. Rows are shaped exactly as the app stores them
// (products.repo.ts insertProduct, products.stored.ts ProductFields).
import { PRODUCT_DEFAULTS } from "../../src/products/products.defaults.ts";

/** @import { Price, ProductFields } from "../../src/products/products.stored.ts" */

/** @typedef {() => number} Random uniform in [0, 1) */
/**
 * A seeded row: the columns of `products` that the seed writes, by their SQL names (the others take
 * their defaults).
 * @typedef {object} SeedRow
 * @property {string} id
 * @property {string} org_id
 * @property {ProductFields["status"]} status
 * @property {ProductFields["type"]} type
 * @property {string} data the JSON of ProductFields
 * @property {number} version
 * @property {string} created_at
 * @property {string} updated_at
 * @property {string} created_by
 * @property {string} updated_by
 */

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)).
 * @param {number} seed
 * @returns {Random}
 */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {number} time ms */
function encodeTime(time) {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD.charAt(time % 32) + out;
    time = Math.floor(time / 32);
  }
  return out;
}

/**
 * A 26-character Crockford ULID: 10 characters of ms time, 16 of randomness.
 * @param {number} time ms
 * @param {Random} random
 */
export function ulid(time, random) {
  let tail = "";
  for (let i = 0; i < 16; i++) tail += CROCKFORD.charAt(Math.floor(random() * 32));
  return encodeTime(time) + tail;
}

// Names: "<adjective> <noun> <model>". A search word is one noun: about 1/NOUNS.length of the
// catalogue (~1.7%). No vocabulary word is a prefix of another word of the search text.
const ADJECTIVES = [
  "Classic",
  "Compact",
  "Deluxe",
  "Elegant",
  "Essential",
  "Premium",
  "Rustic",
  "Modern",
  "Vintage",
  "Urban",
  "Nordic",
  "Alpine",
  "Coastal",
  "Royal",
  "Simple",
  "Smart",
  "Sturdy",
  "Handmade",
  "Organic",
  "Portable",
  "Foldable",
  "Wireless",
  "Heated",
  "Insulated",
  "Padded",
  "Quilted",
  "Woven",
  "Brushed",
  "Polished",
  "Matte",
  "Glossy",
  "Bright",
  "Quiet",
  "Rapid",
  "Gentle",
  "Bold",
  "Slim",
  "Grand",
  "Petite",
  "Everyday",
];
const NOUNS = [
  "kettle",
  "teapot",
  "blender",
  "toaster",
  "skillet",
  "saucepan",
  "colander",
  "grinder",
  "whisk",
  "ladle",
  "lamp",
  "lantern",
  "mirror",
  "cushion",
  "blanket",
  "rug",
  "curtain",
  "vase",
  "candle",
  "clock",
  "backpack",
  "satchel",
  "wallet",
  "belt",
  "scarf",
  "glove",
  "beanie",
  "jacket",
  "sweater",
  "hoodie",
  "sneaker",
  "sandal",
  "boot",
  "umbrella",
  "notebook",
  "journal",
  "pencil",
  "easel",
  "canvas",
  "stapler",
  "speaker",
  "headphone",
  "charger",
  "router",
  "keyboard",
  "monitor",
  "webcam",
  "tripod",
  "drone",
  "tablet",
  "bicycle",
  "helmet",
  "kayak",
  "paddle",
  "tent",
  "hammock",
  "compass",
  "thermos",
  "planter",
  "trowel",
];
// Tags: 50 words with a skewed popularity (weights 1/(rank+1)^0.9): the first is on ~1/4 of products.
const TAGS = [
  "featured",
  "bestseller",
  "new",
  "sale",
  "eco",
  "gift",
  "kitchen",
  "home",
  "outdoor",
  "travel",
  "office",
  "kids",
  "sport",
  "garden",
  "tech",
  "audio",
  "fashion",
  "winter",
  "summer",
  "spring",
  "autumn",
  "handmade",
  "premium",
  "budget",
  "limited",
  "bundle",
  "clearance",
  "vegan",
  "recycled",
  "local",
  "imported",
  "classic",
  "trending",
  "seasonal",
  "exclusive",
  "online",
  "instore",
  "fragile",
  "oversize",
  "small",
  "red",
  "blue",
  "green",
  "black",
  "white",
  "wood",
  "metal",
  "cotton",
  "leather",
  "glass",
];
const DESCRIPTION_WORDS = [
  "crafted",
  "durable",
  "lightweight",
  "designed",
  "daily",
  "use",
  "with",
  "care",
  "finish",
  "quality",
  "materials",
  "comfortable",
  "reliable",
  "perfect",
  "for",
  "any",
  "season",
  "easy",
  "clean",
  "store",
  "built",
  "last",
  "made",
  "from",
  "responsibly",
  "sourced",
  "components",
  "tested",
  "by",
  "experts",
];
const FEATURES = [
  "Dishwasher safe",
  "Two year warranty",
  "Water resistant",
  "Free returns",
  "BPA free",
  "Machine washable",
  "USB-C charging",
  "Energy efficient",
  "Stackable",
  "Adjustable strap",
  "Non-slip base",
  "Recyclable packaging",
  "Fair trade",
  "Lifetime support",
  "Scratch resistant",
  "Rust proof",
  "Odor resistant",
  "Tool-free assembly",
  "Compact storage",
  "Child safe",
  "Heat resistant",
  "UV protected",
  "Ergonomic grip",
  "Quick dry",
];
const MATERIALS = [
  "steel",
  "oak",
  "walnut",
  "cotton",
  "wool",
  "linen",
  "ceramic",
  "glass",
  "bamboo",
  "aluminium",
];
const COLORS = ["black", "white", "red", "navy", "olive", "sand", "grey", "teal", "amber", "plum"];
const TAX_CATEGORIES = ["standard", "reduced", "zero"];

/** The tag and word the scenarios filter and search by. */
export const COMMON_TAG = /** @type {string} */ (TAGS[0]);
export const SEARCH_WORD = "kettle";

const TAG_WEIGHTS = TAGS.map((_, rank) => 1 / (rank + 1) ** 0.9);
const TAG_TOTAL = TAG_WEIGHTS.reduce((sum, weight) => sum + weight, 0);

/**
 * @template T
 * @param {Random} random
 * @param {readonly T[]} list not empty
 */
function pick(random, list) {
  return /** @type {T} */ (list[Math.floor(random() * list.length)]);
}

/** @param {Random} random */
function pickTag(random) {
  let target = random() * TAG_TOTAL;
  for (let i = 0; i < TAGS.length; i++) {
    target -= /** @type {number} */ (TAG_WEIGHTS[i]);
    if (target <= 0) return /** @type {string} */ (TAGS[i]);
  }
  return /** @type {string} */ (TAGS[TAGS.length - 1]);
}

/** @param {Random} random */
function pickStatus(random) {
  const r = random();
  if (r < 0.85) return "active";
  if (r < 0.93) return "inactive";
  if (r < 0.97) return "unconfigured";
  return "archived";
}

/** @param {Random} random */
function pickType(random) {
  const r = random();
  if (r < 0.7) return "physical";
  if (r < 0.85) return "digital";
  return "service";
}

/**
 * A valid GTIN-13 in the GS1 restricted-circulation range 200–299, unique per index.
 * @param {number} index
 */
function gtin13(index) {
  const body = `2${String(index).padStart(11, "0")}`;
  let sum = 0;
  for (let i = body.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += Number(body[i]) * weight;
  return body + String((10 - (sum % 10)) % 10);
}

/**
 * amount = round(cost × (100 + markup) / 100), half away from zero, for an integer markup.
 * @param {number} cost
 * @param {number} markup
 */
function amountFromMarkup(cost, markup) {
  const scaled = cost * (100 + markup);
  return Math.sign(scaled) * Math.floor((Math.abs(scaled) + 50) / 100);
}

/**
 * @param {Random} random
 * @param {string} currency
 * @returns {Price}
 */
function price(random, currency) {
  if (random() < 0.3) {
    const cost = 100 + Math.floor(random() * 20_000);
    const markup = 10 + Math.floor(random() * 90);
    return {
      currency,
      amount: amountFromMarkup(cost, markup),
      compare_at_amount: null,
      cost_amount: cost,
      markup_percent: markup,
    };
  }
  const amount = 99 + Math.floor(random() * 50_000);
  return {
    currency,
    amount,
    compare_at_amount: random() < 0.2 ? amount + 100 + Math.floor(random() * 5000) : null,
    cost_amount: null,
    markup_percent: null,
  };
}

/**
 * Yields `count` product rows, oldest first: ids are `prod_` + a ULID whose time part increases
 * with the index (one second apart, ending one minute before `baseTime`).
 * Columns: id, org_id, status, type, data, version, created_at, updated_at, created_by, updated_by.
 * @param {{ count: number, seed: number, orgId: string, keyId: string, baseTime: number }} options
 * @returns {Generator<SeedRow, void, void>}
 */
export function* products({ count, seed, orgId, keyId, baseTime }) {
  const random = prng(seed);
  const start = baseTime - 60_000 - count * 1000;
  for (let i = 0; i < count; i++) {
    const time = start + i * 1000;
    const status = pickStatus(random);
    const type = pickType(random);
    /** @type {Set<string>} */
    const tags = new Set();
    while (tags.size < 3) tags.add(pickTag(random));
    /** @type {Set<string>} */
    const features = new Set();
    while (features.size < 5) features.add(pick(random, FEATURES));
    const words = Array.from({ length: 8 + Math.floor(random() * 8) }, () => pick(random, DESCRIPTION_WORDS));
    // Key order as the app stores ProductFields (zod output order, then the normalised fields).
    // Every field a product that sets none has, as the app stores it, so that a write measures
    // a steady state, not the first write of a row stored before those fields existed.
    /** @type {ProductFields} */
    const fields = {
      ...PRODUCT_DEFAULTS,
      name: `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${String.fromCharCode(65 + (i % 26))}${i}`,
      description: random() < 0.9 ? `${words.join(" ")}.` : null,
      status,
      type,
      schedule_appointment: type === "service" && random() < 0.5,
      sku: `SKU-${String(i).padStart(8, "0")}`,
      gtin: type === "physical" && random() < 0.6 ? gtin13(i) : null,
      tax_category: random() < 0.7 ? pick(random, TAX_CATEGORIES) : null,
      tax_behavior: random() < 0.8 ? "exclusive" : "inclusive",
      prices: [price(random, "EUR"), price(random, "USD")],
      features: [...features],
      tags: [...tags],
      props: { material: pick(random, MATERIALS), color: pick(random, COLORS), weight_g: 50 + (i % 5000) },
      agent_ids: random() < 0.1 ? [`agent_${Math.floor(random() * 100)}`] : [],
    };
    // The names are ASCII and unique (they end with the index), so their slugs are too.
    fields.slug = fields.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    const at = new Date(time).toISOString();
    yield {
      id: `prod_${ulid(time, random)}`,
      org_id: orgId,
      status,
      type,
      data: JSON.stringify(fields),
      version: 1,
      created_at: at,
      updated_at: at,
      created_by: keyId,
      updated_by: keyId,
    };
  }
}

/** @type {(keyof SeedRow)[]} */
export const PRODUCT_COLUMNS = [
  "id",
  "org_id",
  "status",
  "type",
  "data",
  "version",
  "created_at",
  "updated_at",
  "created_by",
  "updated_by",
];

/** @param {string | number | null} value */
const quote = (value) =>
  value === null
    ? "NULL"
    : typeof value === "number"
      ? String(value)
      : `'${String(value).replaceAll("'", "''")}'`;

/**
 * One multi-row INSERT with literal values (no bound parameters, so no per-statement variable limit).
 * @param {SeedRow[]} rows
 */
export function insertSql(rows) {
  const values = rows.map((row) => `(${PRODUCT_COLUMNS.map((column) => quote(row[column])).join(",")})`);
  return `INSERT INTO products (${PRODUCT_COLUMNS.join(",")}) VALUES ${values.join(",")}`;
}

// Rich products: made through the API (POST /v1/products) after the seed, with options, variants and
// localizations, which the seeded rows do not have. Their tag is on no seeded product.
export const RICH_TAG = "rich-bench";
export const RICH_COUNT = 20;
const RICH_SIZES = ["XS", "S", "M", "L", "XL"];
const RICH_COLOURS = ["Black", "White", "Red", "Blue", "Green", "Yellow", "Grey", "Navy", "Olive", "Sand"];
// locale → the word "shirt" and a description; each product's number makes its localized names (and slugs) distinct
const RICH_LOCALES = {
  de: ["Hemd", "Ein Hemd aus Baumwolle in fünf Größen und zehn Farben."],
  fr: ["Chemise", "Une chemise en coton en cinq tailles et dix couleurs."],
  es: ["Camisa", "Una camisa de algodón en cinco tallas y diez colores."],
  it: ["Camicia", "Una camicia di cotone in cinque taglie e dieci colori."],
  nl: ["Overhemd", "Een katoenen overhemd in vijf maten en tien kleuren."],
  "pt-BR": ["Camisa", "Uma camisa de algodão em cinco tamanhos e dez cores."],
  pl: ["Koszula", "Bawełniana koszula w pięciu rozmiarach i dziesięciu kolorach."],
  sv: ["Skjorta", "En bomullsskjorta i fem storlekar och tio färger."],
  da: ["Skjorte", "En bomuldsskjorte i fem størrelser og ti farver."],
  ja: ["シャツ", "五つのサイズと十の色の綿のシャツ。"],
};
export const RICH_VARIANTS = RICH_SIZES.length * RICH_COLOURS.length;
export const RICH_LOCALIZATIONS = Object.keys(RICH_LOCALES).length;

/**
 * The POST /v1/products body of rich product `index` (0-based): 2 options, 50 variants, 10 locales.
 * @param {number} index
 */
export function richProduct(index) {
  const number = index + 1;
  const variants = [];
  for (const [s, size] of RICH_SIZES.entries()) {
    for (const [c, colour] of RICH_COLOURS.entries()) {
      variants.push({
        options: { Size: size, Colour: colour },
        // variant skus share the org's sku lookups with the seeded SKU-… ones
        sku: `RICH-${number}-${variants.length + 1}`,
        prices: [{ currency: "EUR", amount: 2500 + s * 200 + c * 10 }],
      });
    }
  }
  return {
    name: `Rich shirt ${number}`,
    prices: [{ currency: "EUR", amount: 2500 }],
    tags: [RICH_TAG],
    options: [
      { name: "Size", values: RICH_SIZES },
      { name: "Colour", values: RICH_COLOURS },
    ],
    variants,
    localizations: Object.fromEntries(
      Object.entries(RICH_LOCALES).map(([locale, [word, description]]) => [
        locale,
        { name: `${word} ${number}`, description },
      ]),
    ),
  };
}
