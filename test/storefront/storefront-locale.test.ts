import { beforeAll, describe, expect, it } from "vitest";
import { pickLocale } from "../../src/lib/locale";
import { api, createProduct, publishableKey, tenant } from "../helpers";

/**
 * Locale negotiation by likely subtags (the contract, Storefront): each preference in turn, an exact
 * match, else the product's locales of the same language and script (maximized: `zh-HK` is
 * `zh-Hant-HK`), the closest region first; `no` is `nb`, and `nn` falls back to them.
 */

describe("pickLocale", () => {
  const zh = ["en", "zh-TW", "zh-CN"];
  const zhScripts = ["en", "zh-Hans", "zh-Hant"];
  const pt = ["en", "pt-PT", "pt-BR"];
  const sr = ["en", "sr-Cyrl", "sr-Latn"];
  const english = ["de", "en-US", "en-GB"];
  it.each([
    // Chinese: the script decides, never a region of the other script.
    [["zh-Hant"], zh, "zh-TW"],
    [["zh-HK"], zh, "zh-TW"],
    [["zh-MO"], zh, "zh-TW"],
    [["zh-TW"], zh, "zh-TW"],
    [["zh-Hans"], zh, "zh-CN"],
    [["zh-CN"], zh, "zh-CN"],
    [["zh-SG"], zh, "zh-CN"],
    [["zh"], zh, "zh-CN"],
    [["zh-HK"], ["en", "zh-TW", "zh-MO"], "zh-MO"],
    [["zh-TW"], zhScripts, "zh-Hant"],
    [["zh-HK"], zhScripts, "zh-Hant"],
    [["zh-CN"], zhScripts, "zh-Hans"],
    [["zh"], zhScripts, "zh-Hans"],
    [["zh-HK"], ["en", "zh-CN"], undefined],
    [["zh-Hant"], ["en", "zh"], undefined],
    [["zh"], ["en", "zh-TW"], undefined],
    [["zh-Hant", "zh-CN"], ["en", "zh-CN"], "zh-CN"],
    [["zh-TW"], ["en", "zh-Hant", "zh-TW"], "zh-TW"],
    // Norwegian: no is nb; nn falls back to nb or no after nn itself; nb and no never get nn.
    [["nb"], ["en", "no"], "no"],
    [["nb-NO"], ["en", "nb"], "nb"],
    [["no"], ["en", "nb"], "nb"],
    [["no"], ["en", "nb", "no"], "no"],
    [["nb"], ["en", "no", "nb"], "nb"],
    [["nn"], ["en", "nb", "nn"], "nn"],
    [["nn-NO"], ["en", "nn"], "nn"],
    [["nn"], ["en", "no"], "no"],
    [["nn"], ["en", "nb"], "nb"],
    [["nn", "en"], ["en", "nb"], "nb"],
    [["nb"], ["en", "nn"], undefined],
    [["no"], ["en", "nn"], undefined],
    // Portuguese: the region, else the same side of the Atlantic, else the language's likely one.
    [["pt-BR"], pt, "pt-BR"],
    [["pt-PT"], pt, "pt-PT"],
    [["pt"], pt, "pt-BR"],
    [["pt-AO"], pt, "pt-PT"],
    [["pt-PT"], ["en", "pt-BR"], "pt-BR"],
    [["pt-BR"], ["en", "pt-PT"], "pt-PT"],
    [["pt"], ["en", "pt-PT"], "pt-PT"],
    [["pt"], ["en", "de", "pt-BR"], "pt-BR"],
    // Spanish: Latin America together.
    [["es-AR"], ["en", "es", "es-419"], "es-419"],
    [["es-ES"], ["en", "es-419", "es"], "es"],
    [["es"], ["en", "es-419"], "es-419"],
    // Serbian: the script decides.
    [["sr-Latn"], sr, "sr-Latn"],
    [["sr-Cyrl"], sr, "sr-Cyrl"],
    [["sr"], sr, "sr-Cyrl"],
    [["sr-RS"], sr, "sr-Cyrl"],
    [["sr-ME"], sr, "sr-Latn"],
    [["sr-Latn-RS"], ["en", "sr-Latn"], "sr-Latn"],
    [["sr-Latn"], ["en", "sr"], undefined],
    [["sr"], ["en", "sr-Latn"], undefined],
    // English: the region, else US English or the rest of the world's.
    [["en-GB"], english, "en-GB"],
    [["en-US"], english, "en-US"],
    [["en"], english, "en-US"],
    [["en-AU"], english, "en-GB"],
    [["en-IN"], ["de", "en", "en-GB"], "en-GB"],
    [["en-CA"], english, "en-US"],
    [["en-GB"], ["de", "en"], "en"],
    [["en-US"], ["de", "en-GB"], "en-GB"],
    // What RFC 4647 lookup did stays.
    [["de-CH"], ["en", "de"], "de"],
    [["de-AT"], ["en", "de", "de-CH"], "de"],
    [["fr", "de"], ["en", "de"], "de"],
    [["ja", "zh"], ["en", "de", "pt-BR"], undefined],
    [["*"], ["en", "de"], undefined],
    [["ja", "*", "de"], ["en", "de"], undefined],
    // Undetermined is no language (its likely subtags would say English).
    [["und"], ["de", "en"], undefined],
  ] as [string[], string[], string | undefined][])("%j of %j: %s", (preferences, available, expected) => {
    expect(pickLocale(preferences, available)).toBe(expected);
  });
});

type Shown = { locale: string; name: string };

/** Each product: its localizations' names are their locales, so `name` says which one is shown. */
const PRODUCTS: [string, string, string[], [string, string][]][] = [
  [
    "Chinese by region",
    "en",
    ["zh-TW", "zh-CN"],
    [
      ["zh-Hant", "zh-TW"],
      ["zh-HK", "zh-TW"],
      ["zh-TW", "zh-TW"],
      ["zh-Hans", "zh-CN"],
      ["zh-CN", "zh-CN"],
      ["zh", "zh-CN"],
    ],
  ],
  [
    "Chinese by script",
    "en",
    ["zh-Hans", "zh-Hant"],
    [
      ["zh-Hant", "zh-Hant"],
      ["zh-HK", "zh-Hant"],
      ["zh-TW", "zh-Hant"],
      ["zh-Hans", "zh-Hans"],
      ["zh-CN", "zh-Hans"],
    ],
  ],
  [
    "Simplified Chinese only",
    "en",
    ["zh-CN"],
    [
      ["zh-HK", "en"],
      ["zh-Hant", "en"],
      ["zh-Hans", "zh-CN"],
    ],
  ],
  [
    "Norwegian (no)",
    "en",
    ["no"],
    [
      ["nb", "no"],
      ["nn", "no"],
      ["no", "no"],
    ],
  ],
  [
    "Bokmål and Nynorsk",
    "en",
    ["nb", "nn"],
    [
      ["nb", "nb"],
      ["nn", "nn"],
      ["no", "nb"],
    ],
  ],
  [
    "Nynorsk only",
    "en",
    ["nn"],
    [
      ["nb", "en"],
      ["no", "en"],
      ["nn-NO", "nn"],
    ],
  ],
  [
    "Portuguese",
    "en",
    ["pt-BR", "pt-PT"],
    [
      ["pt-BR", "pt-BR"],
      ["pt-PT", "pt-PT"],
      ["pt", "pt-BR"],
      ["pt-MZ", "pt-PT"],
    ],
  ],
  [
    "Serbian",
    "en",
    ["sr-Cyrl", "sr-Latn"],
    [
      ["sr-Latn", "sr-Latn"],
      ["sr-Cyrl", "sr-Cyrl"],
      ["sr", "sr-Cyrl"],
      ["sr-ME", "sr-Latn"],
    ],
  ],
  [
    "English",
    "de",
    ["en-US", "en-GB"],
    [
      ["en-GB", "en-GB"],
      ["en-US", "en-US"],
      ["en", "en-US"],
      ["en-NZ", "en-GB"],
    ],
  ],
];

describe.each(PRODUCTS)(
  "the storefront, %s (default %s, localized %j)",
  (_name, defaultLocale, locales, cases) => {
    let pk: string;
    let id: string;
    beforeAll(async () => {
      const shop = await tenant();
      pk = await publishableKey(shop.orgId);
      const product = await createProduct(shop.key, {
        name: defaultLocale,
        default_locale: defaultLocale,
        localizations: Object.fromEntries(locales.map((locale) => [locale, { name: locale }])),
      });
      id = product.id;
    });

    const shown = async (query: string, headers: Record<string, string> = {}) => {
      const response = await api(`/v1/storefront/products/${id}${query}`, { key: pk, headers });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const body = JSON.parse(text) as Shown;
      expect(response.headers.get("Content-Language")).toBe(body.locale);
      expect(body.name).toBe(body.locale);
      return body;
    };

    it.each(cases)("%s shows %s, by Accept-Language and by ?locale=", async (wanted, expected) => {
      expect((await shown("", { "Accept-Language": `ja;q=0.9, ${wanted}` })).locale).toBe(expected);
      expect((await shown(`?locale=${wanted}`)).locale).toBe(expected);
    });
  },
);

describe("the storefront's list", () => {
  it("negotiates each product's locale the same way, and names them all in Content-Language", async () => {
    const shop = await tenant();
    const pk = await publishableKey(shop.orgId);
    await createProduct(shop.key, { name: "en", localizations: { "zh-CN": { name: "zh-CN" } } });
    await createProduct(shop.key, {
      name: "en",
      localizations: { "zh-TW": { name: "zh-TW" }, "zh-CN": { name: "zh-CN" } },
    });
    const response = await api("/v1/storefront/products", {
      key: pk,
      headers: { "Accept-Language": "zh-HK" },
    });
    const page = (await response.json()) as { data: Shown[] };
    expect(page.data.map((product) => product.name)).toEqual(["zh-TW", "en"]);
    expect(response.headers.get("Content-Language")).toBe("zh-TW, en");
  });
});
