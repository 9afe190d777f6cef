import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { latinSlugify, slugify } from "../../src/lib/slug";
import { api, createProduct, publishableKey, type Tenant, tenant } from "../helpers";

/**
 * Slugs of names in scripts with a standard romanization (Cyrillic, Greek, Armenian, Georgian),
 * through HTTP; and, as pure functions, that names with none of those letters slug exactly as they
 * did before romanization, so no Latin name's URL moves.
 */

type Localization = { name: string; slug: string };
type Product = {
  id: string;
  version: number;
  name: string;
  slug: string;
  localizations: Record<string, Localization>;
};

let main: Tenant;
// A fresh org per test: the expected slugs here are the names' own, never a -2 from another test.
beforeEach(async () => {
  main = await tenant();
});

const create = (body: Record<string, unknown>) => createProduct<Product>(main.key, body);
const write = async (method: "PUT" | "PATCH", id: string, body: unknown) => {
  const response = await api(`/v1/products/${id}`, { method, key: main.key, body });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Product;
};
const fallback = (product: { id: string }) => `product-${product.id.slice(-10).toLowerCase()}`;
const slugOf = async (name: string) => (await create({ name })).slug;

describe("names in Cyrillic", () => {
  it("Russian: ICAO Doc 9303, as Russian passports", async () => {
    expect(await slugOf("Медный чайник")).toBe("mednyi-chainik");
    expect(await slugOf("Щётка для обуви")).toBe("shchetka-dlia-obuvi");
    expect(await slugOf("Хрустальная ваза, объём 2 л")).toBe("khrustalnaia-vaza-obieem-2-l");
    expect(await slugOf("ЧАЙНИК ЭЛЕКТРИЧЕСКИЙ")).toBe("chainik-elektricheskii");
  });

  it("Ukrainian, told by its letters: the national system (г h, и y, word-initial є ї й ю я)", async () => {
    expect(await slugOf("Гарбузовий пиріг і м'ясо")).toBe("harbuzovyi-pyrih-i-miaso");
    expect(await slugOf("Юшка зі Згурівки")).toBe("yushka-zi-zghurivky");
    expect(await slugOf("Їжак-Єнот")).toBe("yizhak-yenot");
  });

  it("Serbian, told by its letters: its own Latin alphabet, folded as Latin names are", async () => {
    const cyrillic = await slugOf("Ђорђе Чајковић");
    expect(cyrillic).toBe("dorde-cajkovic");
    // The same name in Serbian's Latin alphabet gives the same slug (in another org: no -2).
    main = await tenant();
    expect(await slugOf("Đorđe Čajković")).toBe(cyrillic);
    expect(await slugOf("Шљивовица из Ужица")).toBe("sljivovica-iz-uzica");
  });

  it("Bulgarian and Ukrainian without letters of their own: by the locale the name is in", async () => {
    const product = await create({
      name: "Чай от България",
      localizations: { bg: { name: "Чай от България" }, uk: { name: "Гриби" }, ru: { name: "Грибы" } },
    });
    expect(product.slug).toBe("chai-ot-bielgariia");
    expect(product.localizations.bg?.slug).toBe("chay-ot-balgaria");
    expect(product.localizations.uk?.slug).toBe("hryby");
    expect(product.localizations.ru?.slug).toBe("griby");
    const bulgarian = await create({ name: "Щастливо кафе", default_locale: "bg-BG" });
    expect(bulgarian.slug).toBe("shtastlivo-kafe");
  });

  it("mixed with Latin: every word kept, in order", async () => {
    expect(await slugOf("Чайник Bosch TWK 3A011")).toBe("chainik-bosch-twk-3a011");
    expect(await slugOf("iPhone 17 — чехол")).toBe("iphone-17-chekhol");
    expect(await slugOf("Crème brûlée «Москва»")).toBe("creme-brulee-moskva");
  });
});

describe("names in other scripts", () => {
  it("Greek: ELOT 743 (αυ ευ av/af, ου ou, γγ ng)", async () => {
    expect(await slugOf("Ελληνικός καφές")).toBe("ellinikos-kafes");
    expect(await slugOf("Αυτοκίνητο Ευρωπαϊκό")).toBe("aftokinito-evropaiko");
    expect(await slugOf("Αγγούρι, μουσική")).toBe("angouri-mousiki");
    expect(await slugOf("ΘΕΡΜΟΣ ΨΗΦΙΑΚΟ")).toBe("thermos-psifiako");
  });

  it("Armenian and Georgian: their national systems", async () => {
    expect(await slugOf("Երևանյան սուրճ")).toBe("yerevanyan-surch");
    expect(await slugOf("ქართული ჩაი")).toBe("kartuli-chai");
  });

  it("Chinese, Japanese, Arabic, Hebrew: no romanization here, the id's fallback as before", async () => {
    for (const name of ["绿茶 — 龙井", "せんちゃ", "قهوة عربية", "קפה שחור"]) {
      const product = await create({ name });
      expect(product.slug, name).toBe(fallback(product));
    }
  });
});

describe("localizations and the storefront", () => {
  it("a localization with a Russian name gets its locale's slug from it", async () => {
    const product = await create({
      name: "Copper kettle",
      localizations: { ru: { name: "Медный чайник" }, el: { name: "Χάλκινος βραστήρας" } },
    });
    expect(product.slug).toBe("copper-kettle");
    expect(product.localizations.ru).toMatchObject({ name: "Медный чайник", slug: "mednyi-chainik" });
    expect(product.localizations.el).toMatchObject({ slug: "chalkinos-vrastiras" });
  });

  it("the storefront finds a product by its romanized slugs, each in its locale", async () => {
    const pk = await publishableKey(main.orgId);
    const product = await create({ name: "Медный чайник", localizations: { uk: { name: "Мідний чайник" } } });
    expect(product.localizations.uk?.slug).toBe("midnyi-chainyk");
    const lookup = async (path: string) => {
      const response = await api(`/v1/storefront/products/${path}`, { key: pk });
      expect(response.status, path).toBe(200);
      return (await response.json()) as { id: string; locale: string; slug: string; name: string };
    };
    expect(await lookup("mednyi-chainik")).toMatchObject({ id: product.id, slug: "mednyi-chainik" });
    expect(await lookup("midnyi-chainyk?locale=uk")).toMatchObject({
      id: product.id,
      locale: "uk",
      name: "Мідний чайник",
    });
    // As for every slug (docs/storefront.md, Slugs): with no preference, a locale's slug shows
    // the product in that locale.
    expect(await lookup("midnyi-chainyk")).toMatchObject({
      id: product.id,
      locale: "uk",
      slug: "midnyi-chainyk",
    });
  });
});

describe("updates", () => {
  it("keep a romanized slug the name gives (name, name-N), though a lower number has come free", async () => {
    const name = "Медный чайник";
    const first = await create({ name, localizations: { uk: { name: "Мідний чайник" } } });
    const second = await create({ name, localizations: { uk: { name: "Мідний чайник" } } });
    expect(second).toMatchObject({
      slug: "mednyi-chainik-2",
      localizations: { uk: { slug: "midnyi-chainyk-2" } },
    });
    expect((await api(`/v1/products/${first.id}`, { method: "DELETE", key: main.key })).status).toBe(200);
    const same = await write("PUT", second.id, { name, localizations: { uk: { name: "Мідний чайник" } } });
    expect(same).toMatchObject({
      version: 1,
      slug: "mednyi-chainik-2",
      localizations: { uk: { slug: "midnyi-chainyk-2" } },
    });
    const renamed = await write("PUT", second.id, { name: "Медный чайник 2 л" });
    expect(renamed).toMatchObject({ version: 2, slug: "mednyi-chainik-2-l" });
  });

  it("keep a slug stored before names were romanized: no URL moves on PUT; a PATCH with slug: null moves it", async () => {
    // A product stored before: a Russian name with the id fallback (made here by renaming with
    // PATCH, which keeps the slug), a mixed name with its Latin words only, and a localization.
    const russian = await create({ name: "绿茶", localizations: { ru: { name: "绿茶" } } });
    const stored = await write("PATCH", russian.id, {
      name: "Медный чайник",
      localizations: { ru: { name: "Медный чайник" } },
    });
    expect(stored).toMatchObject({
      slug: fallback(russian),
      localizations: { ru: { slug: fallback(russian) } },
    });
    const put = await write("PUT", russian.id, {
      name: "Медный чайник",
      localizations: { ru: { name: "Медный чайник" } },
    });
    expect(put).toMatchObject({
      version: stored.version,
      slug: fallback(russian),
      localizations: { ru: { slug: fallback(russian) } },
    });
    const moved = await write("PATCH", russian.id, { slug: null, localizations: { ru: { slug: null } } });
    expect(moved).toMatchObject({
      slug: "mednyi-chainik",
      localizations: { ru: { slug: "mednyi-chainik" } },
    });

    const mixed = await create({ name: "Bosch TWK" });
    await write("PATCH", mixed.id, { name: "Чайник Bosch TWK" });
    expect(await write("PUT", mixed.id, { name: "Чайник Bosch TWK" })).toMatchObject({ slug: "bosch-twk" });
    expect(await write("PATCH", mixed.id, { slug: null })).toMatchObject({ slug: "chainik-bosch-twk" });
    // A new name gives a new slug, romanized.
    expect(await write("PUT", mixed.id, { name: "Чайник Bosch TWK 2" })).toMatchObject({
      slug: "chainik-bosch-twk-2",
    });
  });
});

/** the contract's slug rule before romanization, as it was: the reference the Latin names must still meet. */
function slugBefore(name: string): string | undefined {
  const folds: Record<string, string> = {
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
  const words = name
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (letter) => folds[letter] ?? letter)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  if (words === "") return undefined;
  if (words.length <= 256) return words;
  if (words[256] === "-") return words.slice(0, 256);
  const boundary = words.lastIndexOf("-", 256);
  return boundary > 0 ? words.slice(0, boundary) : words.slice(0, 256);
}

// Letters of the romanized scripts: Greek, Cyrillic, Armenian, Georgian (Mkhedruli, Mtavruli).
const ROMANIZED = /[\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u10a0-\u10ff\u1c90-\u1cbf\u1f00-\u1fff]/u;

describe("names with none of the romanized scripts' letters (pure functions)", () => {
  // Latin with its accents and ligatures, symbols that NFKD or lower-casing turn Greek (micro, ohm,
  // kelvin signs), apostrophes, and any code point.
  const letter = fc.oneof(
    fc.constantFrom(..."aZ09 -'’ʼ.ßæœøłđðþıÆØÅéÉüÜçñŁǅǆﬁ①ⅫＡ㎏\u00b5\u2126\u212a\u0301\u0308"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  );
  const name = fc.array(letter, { maxLength: 40 }).map((letters) => letters.join(""));

  it("slug exactly as before romanization", () => {
    fc.assert(
      fc.property(
        name.filter((text) => !ROMANIZED.test(text)),
        fc.constantFrom("", "en", "ru", "uk", "bg", "sr", "el"),
        (text, locale) => {
          expect(slugify(text, locale)).toBe(slugBefore(text));
        },
      ),
      { numRuns: 2000 },
    );
    for (const text of [
      "Crème Brûlée — Große Édition!",
      "Filter 5 \u00b5m",
      "10 k\u2126 (ohm sign)",
      "L'Oréal ʼ’",
      "ǅungla ﬁ ①",
    ]) {
      expect(slugify(text), text).toBe(slugBefore(text));
    }
  });

  it("and latinSlugify, the rule an update compares stored slugs with, is the rule before for every name", () => {
    const anyName = fc.oneof(name, fc.string({ unit: "grapheme", maxLength: 30 }));
    fc.assert(
      fc.property(anyName, (text) => {
        expect(latinSlugify(text)).toBe(slugBefore(text));
      }),
      { numRuns: 2000 },
    );
    expect(latinSlugify("Чайник Bosch")).toBe("bosch");
    expect(latinSlugify("Медный чайник")).toBeUndefined();
  });

  it("romanized names stay in the slug pattern and 256 characters", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            ..."абвгґдђеєёжзѕиіїйјклљмнњопрстћќуўфхцчџшщъыьэюяαάβγδεέζηήθιίϊΐκλμνξοόπρσςτυύϋΰφχψωώաբգդեւևոու ქართ 'ʼa1-",
          ),
          {
            maxLength: 300,
          },
        ),
        fc.constantFrom("", "ru", "uk", "bg", "sr", "mk", "be"),
        (letters, locale) => {
          const slug = slugify(letters.join(""), locale);
          if (slug !== undefined) {
            expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
            expect(slug.length).toBeLessThanOrEqual(256);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
