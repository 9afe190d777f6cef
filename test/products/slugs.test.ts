import { describe, expect, it } from "vitest";
import { api, createProduct, expectError, expectFailures, sharedTenant, tenant } from "../helpers";

/** Slugs and localizations (the contract: the product's field table, and Slugs). */

type Localization = { name: string; description: string | null; slug: string; seo: unknown };
type Product = {
  id: string;
  version: number;
  name: string;
  slug: string | null;
  default_locale: string;
  localizations: Record<string, Localization>;
};

const main = sharedTenant();

const create = (body: Record<string, unknown>, key = main.key) => createProduct<Product>(key, body);
const post = (body: Record<string, unknown>, key = main.key) =>
  api("/v1/products", { method: "POST", key, body: { name: "W", ...body } });
const unique = () => `n${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

describe("generated slugs", () => {
  it("fold accents, lower-case, one hyphen per run of other characters, trimmed", async () => {
    const cases: [string, string][] = [
      ["Crème Brûlée — Große Édition!", "creme-brulee-grosse-edition"],
      ["  ***Ærøskøbing   Bike 2000***  ", "aeroskobing-bike-2000"],
      ["Łódź / Þórr", "lodz-thorr"],
    ];
    for (const [name, slug] of cases) expect((await create({ name })).slug).toBe(slug);
  });

  it("a name with no a–z or 0–9 gets product- and the id's last 10 characters", async () => {
    const product = await create({ name: "日本茶 — 抹茶" });
    expect(product.slug).toBe(`product-${product.id.slice(-10).toLowerCase()}`);
  });

  it("are cut to 256 at a word boundary where there is one", async () => {
    const words = await create({ name: `${"abcdefg ".repeat(60)}` });
    expect(words.slug?.length).toBeLessThanOrEqual(256);
    expect(words.slug).toBe(Array(32).fill("abcdefg").join("-"));
    const oneWord = await create({ name: "x".repeat(300) });
    expect(oneWord.slug).toBe("x".repeat(256));
  });

  it("append -2, -3 … on a collision in the org and locale; other orgs and locales do not collide", async () => {
    const name = `Kettle ${unique()}`;
    const slugs = [];
    for (let i = 0; i < 3; i++) slugs.push((await create({ name })).slug);
    const base = slugs[0] as string;
    expect(slugs).toEqual([base, `${base}-2`, `${base}-3`]);
    const elsewhere = await create({ name }, (await tenant()).key);
    expect(elsewhere.slug).toBe(base);
    const german = await create({ name: "Other", default_locale: "de", slug: null, localizations: {} });
    expect(german.slug).toBe("other");
    expect((await create({ name: "Other", default_locale: "de" })).slug).toBe("other-2");
    expect((await create({ name: "Other" })).slug).toBe("other");
  });

  it("10 concurrent creates of one name all succeed, each with its own slug", async () => {
    const name = `Burst ${unique()}`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => post({ name })));
    expect(responses.map((response) => response.status)).toEqual(Array<number>(10).fill(201));
    const slugs = await Promise.all(
      responses.map(async (response) => ((await response.json()) as Product).slug),
    );
    expect(new Set(slugs).size).toBe(10);
  });
});

describe("slugs sent by the client", () => {
  it("take the pattern up to 256 characters and refuse anything else", async () => {
    const long = `${"a".repeat(250)}-bcdef`;
    expect((await create({ slug: long })).slug).toBe(long);
    for (const slug of ["My-Slug", "a--b", "-a", "a-", "a_b", "a b", "", `${long}g`, 5]) {
      await expectFailures(await post({ slug }), ["slug"]);
    }
  });

  it("a slug another product of the org has in that locale is 409 duplicate_slug", async () => {
    const slug = `taken-${unique()}`;
    await create({ slug });
    await expectError(await post({ slug }), 409, "duplicate_slug");
    expect((await post({ slug, default_locale: "fr" })).status).toBe(201);
    expect((await post({ slug }, (await tenant()).key)).status).toBe(201);
  });

  it("10 concurrent creates with one slug: one 201 and nine 409", async () => {
    const slug = `race-${unique()}`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => post({ slug })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, ...Array<number>(9).fill(409)]);
  });

  it("a deleted product frees its slug", async () => {
    const slug = `freed-${unique()}`;
    const product = await create({ slug });
    expect((await api(`/v1/products/${product.id}`, { method: "DELETE", key: main.key })).status).toBe(200);
    expect((await post({ slug })).status).toBe(201);
  });
});

describe("updates", () => {
  it("PATCH keeps the slug when the name changes, and null makes a new one from the name", async () => {
    const product = await create({ name: `Lamp ${unique()}` });
    const patch = (body: unknown) =>
      api(`/v1/products/${product.id}`, { method: "PATCH", key: main.key, body });
    const renamed = (await (await patch({ name: "Table lamp" })).json()) as Product;
    expect(renamed.slug).toBe(product.slug);
    const regenerated = (await (await patch({ slug: null })).json()) as Product;
    expect(regenerated.slug).toMatch(/^table-lamp(-\d+)?$/);
  });

  it("PUT without a slug makes it from the name again; the same name keeps it and the version", async () => {
    const name = `Desk ${unique()}`;
    const product = await create({ name });
    const response = await api(`/v1/products/${product.id}`, {
      method: "PUT",
      key: main.key,
      body: { name },
    });
    expect(await response.json()).toMatchObject({ slug: product.slug, version: 1 });
  });
});

describe("PUT without slugs", () => {
  const put = (id: string, body: unknown) =>
    api(`/v1/products/${id}`, { method: "PUT", key: main.key, body });

  it("keeps a numbered slug of the same name, though a lower number has come free", async () => {
    const name = `Lamp ${unique()}`;
    const first = await create({ name });
    const second = await create({ name });
    expect(second.slug).toBe(`${first.slug}-2`);
    expect((await api(`/v1/products/${first.id}`, { method: "DELETE", key: main.key })).status).toBe(200);
    const same = await put(second.id, { name });
    expect(await same.json()).toMatchObject({ slug: `${first.slug}-2`, version: 1 });
    // A new name makes a new slug, and the freed one can be taken by name again.
    const renamed = await put(second.id, { name: `${name} deluxe` });
    expect(await renamed.json()).toMatchObject({ slug: `${first.slug}-deluxe`, version: 2 });
    expect((await create({ name })).slug).toBe(first.slug);
  });

  it("keeps each locale's slug of an unchanged name without reading for it; a renamed locale gets a new one", async () => {
    const tag = unique();
    const body = {
      name: `Kettle ${tag}`,
      localizations: { de: { name: `Wasserkocher ${tag}` }, fr: { name: `Bouilloire ${tag}` } },
    };
    const product = await create(body);
    const same = await put(product.id, body);
    expect(same.status).toBe(200);
    expect(await same.json()).toMatchObject({
      version: 1,
      slug: product.slug,
      localizations: {
        de: { slug: product.localizations.de?.slug },
        fr: { slug: product.localizations.fr?.slug },
      },
    });
    // No slug lookups: as many D1 queries as the same PUT with the slugs sent (Server-Timing).
    const withSlugs = await put(product.id, {
      ...body,
      slug: product.slug,
      localizations: {
        de: { ...body.localizations.de, slug: product.localizations.de?.slug },
        fr: { ...body.localizations.fr, slug: product.localizations.fr?.slug },
      },
    });
    const queries = (response: Response) =>
      /queries=(\d+)/.exec(response.headers.get("Server-Timing") ?? "")?.[1];
    expect(queries(same)).toBeDefined();
    expect(queries(same)).toBe(queries(withSlugs));
    const renamed = await put(product.id, {
      ...body,
      localizations: { ...body.localizations, fr: { name: `Bouilloire électrique ${tag}` } },
    });
    expect(await renamed.json()).toMatchObject({
      version: 2,
      slug: product.slug,
      localizations: {
        de: { slug: product.localizations.de?.slug },
        fr: { slug: `bouilloire-electrique-${tag.toLowerCase()}` },
      },
    });
  });
});

describe("localizations", () => {
  it("are keyed by canonical locale, each with a name; description, slug and seo follow the product's rules", async () => {
    const product = await create({
      name: "Kettle",
      localizations: {
        "pt-br": { name: "Chaleira elétrica" },
        DE: {
          name: "Wasserkocher",
          description: "1,7 l",
          slug: `wasserkocher-${unique()}`,
          seo: { title: "T" },
        },
      },
    });
    expect(product.localizations["pt-BR"]).toEqual({
      name: "Chaleira elétrica",
      description: null,
      slug: "chaleira-eletrica",
      seo: { title: null, description: null },
    });
    expect(product.localizations.de).toMatchObject({
      name: "Wasserkocher",
      description: "1,7 l",
      seo: { title: "T" },
    });
    expect(Object.keys(product.localizations).sort()).toEqual(["de", "pt-BR"]);
  });

  it("refuse a missing name, a bad or repeated locale, a bad slug, and more than 50 locales", async () => {
    await expectFailures(await post({ localizations: { de: { description: "x" } } }), [
      "localizations.de.name",
    ]);
    await expectFailures(await post({ localizations: { de: { name: "x", slug: "Not OK" } } }), [
      "localizations.de.slug",
    ]);
    await expectFailures(await post({ localizations: { "xx!!": { name: "x" } } }), ["localizations.xx!!"]);
    await expectFailures(await post({ localizations: { "pt-br": { name: "a" }, "pt-BR": { name: "b" } } }), [
      "localizations.pt-BR",
    ]);
    const locales = [
      "af",
      "am",
      "ar",
      "az",
      "be",
      "bg",
      "bn",
      "bs",
      "ca",
      "cs",
      "cy",
      "da",
      "de",
      "el",
      "eo",
      "es",
      "et",
      "eu",
      "fa",
      "fi",
      "fr",
      "ga",
      "gl",
      "gu",
      "he",
      "hi",
      "hr",
      "hu",
      "hy",
      "id",
      "is",
      "it",
      "ja",
      "ka",
      "kk",
      "km",
      "kn",
      "ko",
      "lo",
      "lt",
      "lv",
      "mk",
      "ml",
      "mn",
      "mr",
      "ms",
      "mt",
      "my",
      "nb",
      "ne",
      "nl",
    ];
    const fifty = Object.fromEntries(locales.slice(0, 50).map((locale) => [locale, { name: `N ${locale}` }]));
    expect(Object.keys((await create({ localizations: fifty })).localizations)).toHaveLength(50);
    const fiftyOne = Object.fromEntries(locales.map((locale) => [locale, { name: `N ${locale}` }]));
    await expectFailures(await post({ localizations: fiftyOne }), ["localizations"]);
  });

  it("generate and check slugs per locale: a collision is -2 when generated, 409 when sent", async () => {
    const name = `Tasse ${unique()}`;
    const first = await create({ localizations: { de: { name } } });
    const second = await create({ localizations: { de: { name } } });
    const slug = first.localizations.de?.slug as string;
    expect(second.localizations.de?.slug).toBe(`${slug}-2`);
    await expectError(await post({ localizations: { de: { name: "x", slug } } }), 409, "duplicate_slug");
  });

  it("the default locale's entry is the product's own name, description, slug and seo", async () => {
    const slug = `own-${unique()}`;
    const product = await create({
      name: "Ignored",
      default_locale: "en-GB",
      localizations: { "en-gb": { name: "Kettle", slug, description: "Own" }, fr: { name: "Bouilloire" } },
    });
    expect(product).toMatchObject({ name: "Kettle", slug, default_locale: "en-GB" });
    expect(Object.keys(product.localizations)).toEqual(["fr"]);
  });

  it("localized names are searched by q", async () => {
    const word = `wasserkocher${Date.now().toString(36)}`;
    const product = await create({ name: "Kettle", localizations: { de: { name: `${word} Deluxe` } } });
    const response = await api(`/v1/products?q=${word.slice(0, -2)}`, { key: main.key });
    const ids = ((await response.json()) as { data: { id: string }[] }).data.map((found) => found.id);
    expect(ids).toEqual([product.id]);
  });
});
