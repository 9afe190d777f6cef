// Identifiers that look the same are the same: SKUs, tags, agent ids and option names and values
// are trimmed and compared in Unicode NFC, case-sensitively, and refuse invisible characters.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createProduct, expectError, expectFailures, sharedTenant } from "../helpers";

type Product = {
  id: string;
  sku: string | null;
  tags: string[];
  agent_ids: string[];
  options: { name: string; values: string[] }[];
  variants: { sku: string | null; options: Record<string, string> }[];
};

const COMPOSED = "CAF\u00C9-1"; // CAFÉ-1, É as one code point

const shop = sharedTenant();
let run = 0;
/** A value unique to this test, in both forms. */
const unique = (base: string) => `${base}-${Date.now().toString(36)}${++run}`;

const create = (body: Record<string, unknown>) =>
  api("/v1/products", { method: "POST", key: shop.key, body: { name: "Widget", ...body } });

async function listed(query: string): Promise<string[]> {
  const response = await api(`/v1/products?${query}`, { key: shop.key });
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { data: Product[] }).data.map((product) => product.id);
}

describe("a SKU", () => {
  it("composed and decomposed is one SKU: the twin is a duplicate, and either form finds it", async () => {
    const sku = unique(COMPOSED);
    const product = await createProduct<Product>(shop.key, { sku: sku.normalize("NFD") });
    expect(product.sku).toBe(sku);
    await expectError(await create({ sku }), 409, "duplicate_sku");
    await expectError(await create({ variants: [], sku: sku.normalize("NFD") }), 409, "duplicate_sku");
    expect(await listed(`sku=${encodeURIComponent(sku)}`)).toEqual([product.id]);
    expect(await listed(`sku=${encodeURIComponent(sku.normalize("NFD"))}`)).toEqual([product.id]);
  });

  it("is trimmed: ' A ' is 'A'", async () => {
    const sku = unique("TRIM");
    const product = await createProduct<Product>(shop.key, { sku: `  ${sku}\t` });
    expect(product.sku).toBe(sku);
    await expectError(await create({ sku }), 409, "duplicate_sku");
    expect(await listed(`sku=${encodeURIComponent(` ${sku} `)}`)).toEqual([product.id]);
  });

  it("keeps its case, and case counts", async () => {
    const sku = unique("case");
    const lower = await createProduct<Product>(shop.key, { sku });
    const upper = await createProduct<Product>(shop.key, { sku: sku.toUpperCase() });
    expect([lower.sku, upper.sku]).toEqual([sku, sku.toUpperCase()]);
    expect(await listed(`sku=${sku}`)).toEqual([lower.id]);
  });

  it("counts its 64 characters as stored, trimmed and NFC: 64 accented letters sent decomposed and padded fit, 65 do not", async () => {
    const sixtyFour = "\u00C9".repeat(63) + String(++run % 10);
    const product = await createProduct<Product>(shop.key, { sku: ` ${sixtyFour.normalize("NFD")}\t` });
    expect(product.sku).toBe(sixtyFour);
    await expectFailures(await create({ sku: `${sixtyFour}X` }), ["sku"]);
    await expectFailures(await create({ sku: `${sixtyFour}X`.normalize("NFD") }), ["sku"]);
    await expectFailures(await create({ sku: "   " }), ["sku"]);
    await expectFailures(await create({ sku: "" }), ["sku"]);
  });

  it("of a variant is one with the product's and the other variants' in either form", async () => {
    const sku = unique(COMPOSED);
    const options = [{ name: "Size", values: ["S", "M"] }];
    const variants = [
      { options: { Size: "S" }, sku },
      { options: { Size: "M" }, sku: sku.normalize("NFD") },
    ];
    const twin = await expectFailures(await create({ options, variants }), ["variants[1].sku"]);
    expect(twin.failures?.[0]?.message).toBe("The same sku as variants[0].sku.");
    const product = await createProduct<Product>(shop.key, { options, variants: variants.slice(0, 1) });
    expect(product.variants[0]?.sku).toBe(sku);
    await expectError(await create({ sku: sku.normalize("NFD") }), 409, "duplicate_sku");
    expect(await listed(`sku=${encodeURIComponent(sku.normalize("NFD"))}`)).toEqual([product.id]);
  });
});

describe("invisible characters", () => {
  const refused: [string, string][] = [
    ["a NUL", "\u0000"],
    ["a control character", "\u0007"],
    ["a DEL", "\u007F"],
    ["a C1 control", "\u0085"],
    ["a zero-width space", "\u200B"],
    ["a zero-width joiner", "\u200D"],
    ["a word joiner", "\u2060"],
    ["a soft hyphen", "\u00AD"],
    ["a right-to-left mark", "\u200F"],
    ["an arabic letter mark", "\u061C"],
    ["a right-to-left override", "\u202E"],
    ["a left-to-right isolate", "\u2066"],
    ["a pop directional isolate", "\u2069"],
  ];
  for (const [what, character] of refused) {
    it(`${what} inside a SKU is refused, naming the field`, async () => {
      const body = await expectFailures(await create({ sku: `AB${character}C` }), ["sku"]);
      expect(body.failures?.[0]?.message).toBe(
        "Must not contain control, zero-width or bidi control characters.",
      );
    });
  }

  it("are refused in every identifier, each named by its path, and nothing is written", async () => {
    const sku = unique("ZW");
    const response = await create({
      sku,
      tags: ["fine", "bad\u200Btag"],
      agent_ids: ["agent\u202E1"],
      options: [
        { name: "Si\u200Cze", values: ["S"] },
        { name: "Colour", values: ["red", "bl\u2066ue"] },
      ],
    });
    await expectFailures(response, ["tags[1]", "agent_ids[0]", "options[0].name", "options[1].values[1]"]);
    expect(await listed(`sku=${sku}`)).toEqual([]);
  });

  it("are refused in a lookup, as invalid_data naming the parameter", async () => {
    await expectFailures(await api("/v1/products?sku=A%E2%80%8BB", { key: shop.key }), ["sku"]);
    await expectFailures(await api("/v1/products?tag=%E2%80%AEgat", { key: shop.key }), ["tag"]);
    await expectFailures(await api("/v1/products?agent_id=a%00b", { key: shop.key }), ["agent_id"]);
  });

  it("are still allowed where they are text: a name or a description", async () => {
    const product = await createProduct<Product & { name: string }>(shop.key, {
      name: "\u05E9\u05DC\u05D5\u05DD\u200F (Hebrew)",
      description: "Line one\nline\u00ADtwo",
    });
    expect(product.name).toBe("\u05E9\u05DC\u05D5\u05DD\u200F (Hebrew)");
  });

  it("the accents and scripts an identifier needs are kept", async () => {
    const sku = unique("Größe-日本-ŞAL");
    const product = await createProduct<Product>(shop.key, { sku, tags: ["crème brûlée", "日本"] });
    expect(product.sku).toBe(sku);
    expect(product.tags).toEqual(["crème brûlée", "日本"]);
  });
});

describe("tags and agent ids", () => {
  it("are one in either form: stored NFC and trimmed, deduplicated, found by either form", async () => {
    const tag = unique("caf\u00E9");
    const agent = unique("agent-\u00E9");
    const product = await createProduct<Product>(shop.key, {
      tags: [tag.normalize("NFD"), ` ${tag} `],
      agent_ids: [agent.normalize("NFD")],
    });
    expect(product.tags).toEqual([tag]);
    expect(product.agent_ids).toEqual([agent]);
    for (const form of [tag, tag.normalize("NFD")]) {
      expect(await listed(`tag=${encodeURIComponent(form)}`)).toEqual([product.id]);
    }
    expect(await listed(`agent_id=${encodeURIComponent(agent.normalize("NFD"))}`)).toEqual([product.id]);
  });
});

describe("option names and values", () => {
  it("match a variant's options in either form", async () => {
    const product = await createProduct<Product>(shop.key, {
      options: [{ name: "Gr\u00F6\u00DFe", values: ["Gro\u00DF", "kl\u00E9in"] }],
      variants: [
        { options: { ["Gr\u00F6\u00DFe".normalize("NFD")]: "kl\u00E9in".normalize("NFD") } },
        { options: { " Gr\u00F6\u00DFe ": "Gro\u00DF" } },
      ],
    });
    expect(product.options[0]?.name).toBe("Gr\u00F6\u00DFe");
    expect(product.variants.map((variant) => variant.options)).toEqual([
      { "Gr\u00F6\u00DFe": "kl\u00E9in" },
      { "Gr\u00F6\u00DFe": "Gro\u00DF" },
    ]);
  });

  it("that are the same in NFC are the same option or value", async () => {
    await expectFailures(
      await create({ options: [{ name: "Gr\u00F6\u00DFe", values: ["\u00E9", "e\u0301"] }] }),
      ["options[0].values[1]"],
    );
  });
});

describe("a product written before identifiers were normalised", () => {
  /** A product whose stored SKU, tag and agent id are decomposed, as an earlier write could leave them. */
  async function legacy(sku: string, tag: string) {
    const product = await createProduct<Product & { version: number }>(shop.key, {
      sku: `PLACEHOLDER${++run}`,
    });
    await env.DB.prepare(
      "UPDATE products SET data = json_set(data, '$.sku', ?, '$.tags', json_array(?), '$.agent_ids', json_array(?)) WHERE id = ?",
    )
      .bind(sku.normalize("NFD"), tag.normalize("NFD"), tag.normalize("NFD"), product.id)
      .run();
    return product;
  }

  it("is found by its SKU, tag and agent id in the composed form too", async () => {
    const sku = unique(COMPOSED);
    const tag = unique("caf\u00E9");
    const product = await legacy(sku, tag);
    for (const query of [`sku=${sku}`, `tag=${tag}`, `agent_id=${tag}`, `sku=${sku}&tag=${tag}`]) {
      expect(await listed(encodeURI(query)), query).toEqual([product.id]);
    }
    expect(await listed(`sku=${encodeURIComponent(sku.normalize("NFD"))}`)).toEqual([product.id]);
  });

  it("keeps its SKU unique against a composed twin, on create and on update", async () => {
    const sku = unique(COMPOSED);
    await legacy(sku, unique("t"));
    await expectError(await create({ sku }), 409, "duplicate_sku");
    const other = await createProduct<Product>(shop.key);
    await expectError(
      await api(`/v1/products/${other.id}`, { method: "PATCH", key: shop.key, body: { sku } }),
      409,
      "duplicate_sku",
    );
    const options = [{ name: "Size", values: ["S"] }];
    await expectError(
      await create({ options, variants: [{ options: { Size: "S" }, sku }] }),
      409,
      "duplicate_sku",
    );
  });

  it("gets the composed form at its next write, and stays its own twin's holder", async () => {
    const sku = unique(COMPOSED);
    const tag = unique("caf\u00E9");
    const product = await legacy(sku, tag);
    const response = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: shop.key,
      body: { name: "Renamed" },
    });
    expect(response.status, await response.clone().text()).toBe(200);
    const patched = (await response.json()) as Product;
    expect([patched.sku, patched.tags, patched.agent_ids]).toEqual([sku, [tag], [tag]]);
    expect(await listed(`sku=${encodeURIComponent(sku)}`)).toEqual([product.id]);
    await expectError(await create({ sku: sku.normalize("NFD") }), 409, "duplicate_sku");
  });
});
