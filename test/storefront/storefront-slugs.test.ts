import { beforeAll, describe, expect, it } from "vitest";
import { api, createProduct, expectError, publishableKey, type Tenant, tenant } from "../helpers";

/**
 * `GET /v1/storefront/products/{slug}` (the contract, Storefront): a slug in the locale the request
 * negotiates, else the product's default locale's, else any locale's, so a link works without
 * `?locale=`. Shown in the locale a preference picks, else in the slug's own.
 */

type Shown = { id: string; locale: string; name: string; slug: string };

let shop: Tenant;
let pk: string;
beforeAll(async () => {
  shop = await tenant();
  pk = await publishableKey(shop.orgId);
});

async function bySlug(path: string, headers: Record<string, string> = {}): Promise<Shown> {
  const response = await api(`/v1/storefront/products/${path}`, { key: pk, headers });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  const body = JSON.parse(text) as Shown;
  expect(response.headers.get("Content-Language")).toBe(body.locale);
  return body;
}

const shown = async (path: string, headers: Record<string, string> = {}) => {
  const { locale, name, slug } = await bySlug(path, headers);
  return [locale, name, slug];
};

describe("a slug of any of the product's locales", () => {
  let teapot: { id: string };
  beforeAll(async () => {
    teapot = await createProduct(shop.key, {
      name: "Teapot",
      slug: "teapot",
      localizations: {
        de: { name: "Teekanne", slug: "teekanne" },
        fr: { name: "Théière", slug: "theiere" },
      },
    });
  });

  it("without a language preference, is shown in the locale of the slug", async () => {
    // The README's typed call: `id_or_slug: "teekanne"`, `query: {}`.
    expect((await bySlug("teekanne")).id).toBe(teapot.id);
    expect(await shown("teekanne")).toEqual(["de", "Teekanne", "teekanne"]);
    expect(await shown("theiere")).toEqual(["fr", "Théière", "theiere"]);
    expect(await shown("teapot")).toEqual(["en", "Teapot", "teapot"]);
    // `*` and ranges none of the product's locales answer are no preference either.
    expect(await shown("teekanne", { "Accept-Language": "*" })).toEqual(["de", "Teekanne", "teekanne"]);
    expect(await shown("teekanne", { "Accept-Language": "ja, zh;q=0.5" })).toEqual([
      "de",
      "Teekanne",
      "teekanne",
    ]);
  });

  it("with Accept-Language, is shown in the negotiated locale, its slug that locale's (to redirect to)", async () => {
    expect(await shown("teekanne", { "Accept-Language": "fr-CH, de;q=0.5" })).toEqual([
      "fr",
      "Théière",
      "theiere",
    ]);
    expect(await shown("teekanne", { "Accept-Language": "en-GB" })).toEqual(["en", "Teapot", "teapot"]);
    expect(await shown("teapot", { "Accept-Language": "de-CH" })).toEqual(["de", "Teekanne", "teekanne"]);
    expect(await shown("teekanne", { "Accept-Language": "ja, de;q=0.1" })).toEqual([
      "de",
      "Teekanne",
      "teekanne",
    ]);
  });

  it("with ?locale=, is shown in that locale (else in the slug's), whatever Accept-Language says", async () => {
    expect(await shown("teekanne?locale=fr")).toEqual(["fr", "Théière", "theiere"]);
    expect(await shown("teapot?locale=de")).toEqual(["de", "Teekanne", "teekanne"]);
    expect(await shown("theiere?locale=fr", { "Accept-Language": "de" })).toEqual([
      "fr",
      "Théière",
      "theiere",
    ]);
    expect(await shown("teekanne?locale=en", { "Accept-Language": "fr" })).toEqual([
      "en",
      "Teapot",
      "teapot",
    ]);
    // A locale the product lacks picks none of its own: the slug's locale, as without a preference.
    expect(await shown("teekanne?locale=ja")).toEqual(["de", "Teekanne", "teekanne"]);
    // By id there is no slug's locale: the default.
    expect((await bySlug(`${teapot.id}?locale=ja`)).locale).toBe("en");
  });

  it("is still 404 when no product of the org has it", async () => {
    await expectError(await api("/v1/storefront/products/teekann", { key: pk }), 404, "not_found");
    const other = await tenant();
    const otherPk = await publishableKey(other.orgId);
    await expectError(await api("/v1/storefront/products/teekanne", { key: otherPk }), 404, "not_found");
  });
});

describe("one slug of two products, in two locales", () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    // In creation order: ids are time-ordered, so each pair's first is the older.
    const products: [string, Record<string, unknown>][] = [
      ["duo-en", { name: "Duo", slug: "duo" }],
      ["duo-de", { name: "Duo DE", slug: "duo", default_locale: "de" }],
      ["trio-it", { name: "Uno", localizations: { it: { name: "Trio IT", slug: "trio" } } }],
      ["trio-fr", { name: "Trio FR", slug: "trio", default_locale: "fr" }],
      ["comun-es", { name: "Common A", localizations: { es: { name: "Común ES", slug: "comun" } } }],
      ["comun-pt", { name: "Common B", localizations: { pt: { name: "Comum PT", slug: "comun" } } }],
      ["solo-hidden", { name: "Solo", slug: "solo", visible: false }],
      ["solo-de", { name: "Solo DE", slug: "solo", default_locale: "de" }],
    ];
    for (const [key, body] of products) ids[key] = (await createProduct(shop.key, body)).id;
  });

  const winner = async (path: string, headers: Record<string, string> = {}) => {
    const body = await bySlug(path, headers);
    return [Object.keys(ids).find((key) => ids[key] === body.id), body.locale];
  };

  it("is the one whose slug is in the negotiated locale, then in its default locale, then the older", async () => {
    // Both in their default locale: the older, unless a preference picks the other's.
    expect(await winner("duo")).toEqual(["duo-en", "en"]);
    expect(await winner("duo", { "Accept-Language": "de" })).toEqual(["duo-de", "de"]);
    expect(await winner("duo", { "Accept-Language": "en" })).toEqual(["duo-en", "en"]);
    expect(await winner("duo?locale=de", { "Accept-Language": "en" })).toEqual(["duo-de", "de"]);
    // A default locale's slug wins over another locale's, the older product's though it is.
    expect(await winner("trio")).toEqual(["trio-fr", "fr"]);
    expect(await winner("trio", { "Accept-Language": "it" })).toEqual(["trio-it", "it"]);
    expect(await winner("trio", { "Accept-Language": "ja" })).toEqual(["trio-fr", "fr"]);
    // Neither a default locale's: the older, unless a preference picks one; the first preference first.
    expect(await winner("comun")).toEqual(["comun-es", "es"]);
    expect(await winner("comun", { "Accept-Language": "de" })).toEqual(["comun-es", "es"]);
    expect(await winner("comun", { "Accept-Language": "pt" })).toEqual(["comun-pt", "pt"]);
    expect(await winner("comun", { "Accept-Language": "pt, es" })).toEqual(["comun-pt", "pt"]);
    expect(await winner("comun", { "Accept-Language": "es, pt" })).toEqual(["comun-es", "es"]);
    expect(await winner("comun", { "Accept-Language": "es;q=0.5, pt-BR" })).toEqual(["comun-pt", "pt"]);
    expect(await winner("comun?locale=pt")).toEqual(["comun-pt", "pt"]);
    // A product shoppers may not see never wins.
    expect(await winner("solo")).toEqual(["solo-de", "de"]);
  });
});
