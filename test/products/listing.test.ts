import { beforeAll, describe, expect, it } from "vitest";
import { api, createProduct, expectError, expectFailures, sharedTenant, tenant } from "../helpers";

interface Product {
  id: string;
  object: string;
  org_id: string;
  name: string;
  description: string | null;
  status: string;
  type: string;
  sku: string | null;
  gtin: string | null;
  tags: string[];
  features: string[];
  agent_ids: string[];
  version: number;
  created_at: string;
  updated_at: string;
}
interface ProductList {
  object: string;
  data: Product[];
  has_more: boolean;
  next_cursor: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A list request that must succeed; returns the parsed page. */
async function page(key: string, query: string): Promise<ProductList> {
  const response = await api(`/v1/products${query ? `?${query}` : ""}`, { key });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = JSON.parse(text) as ProductList;
  expect(body.object).toBe("list");
  expect(Array.isArray(body.data)).toBe(true);
  expect(typeof body.has_more).toBe("boolean");
  if (body.has_more) expect(typeof body.next_cursor).toBe("string");
  else expect(body.next_cursor).toBeNull();
  return body;
}

const ids = (key: string, query: string) => page(key, query).then((body) => body.data.map((p) => p.id));

/**
 * Follows next_cursor from the first page to the last with the given page size, asserting every
 * page's shape; returns all ids in order and the page count.
 */
async function walk(key: string, query: string, limit = 2): Promise<{ ids: string[]; pages: number }> {
  const all: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", String(limit));
    if (cursor) params.set("cursor", cursor);
    const body = await page(key, params.toString());
    pages++;
    expect(body.data.length).toBeLessThanOrEqual(limit);
    if (body.has_more) expect(body.data.length).toBe(limit);
    all.push(...body.data.map((p) => p.id));
    cursor = body.next_cursor;
    expect(pages).toBeLessThan(50);
  } while (cursor !== null);
  expect(new Set(all).size).toBe(all.length);
  return { ids: all, pages };
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

const main = sharedTenant();
/** The main catalogue in creation order (oldest first). */
let catalogue: Product[];
const newestFirst = (products: Product[]) => [...products].reverse().map((p) => p.id);
const where = (predicate: (p: Product) => boolean) => newestFirst(catalogue.filter(predicate));

const INPUTS: Record<string, unknown>[] = [
  {
    name: "Espresso machine",
    description: "Brews strong coffee",
    tags: ["coffee", "kitchen"],
    sku: "ESP-1",
    gtin: "4006381333931",
    agent_ids: ["agent-a"],
  },
  { name: "Café au lait mug", status: "inactive", tags: ["coffee"], features: ["Dishwasher safe"] },
  {
    name: "Barista course",
    type: "service",
    description: "Learn latte art",
    tags: ["training"],
    agent_ids: ["agent-a", "agent-b"],
  },
  { name: "Coffee grinder", status: "archived", tags: ["coffee", "kitchen"], features: ["Ceramic burrs"] },
  { name: "Recipe ebook", type: "digital", status: "unconfigured", description: "Fifty espresso recipes" },
  { name: "Milk frother", tags: ["kitchen"], gtin: "036000291452", agent_ids: ["agent-b"] },
  { name: "Tea kettle", status: "inactive", tags: ["kitchen", "tea"], sku: "KETTLE" },
];

beforeAll(async () => {
  catalogue = [];
  for (const input of INPUTS) {
    catalogue.push((await createProduct(main.key, input)) as unknown as Product);
    await sleep(3);
  }
});

const byName = (name: string) => {
  const product = catalogue.find((p) => p.name === name);
  if (!product) throw new Error(`no product ${name}`);
  return product;
};

describe("list shape and order", () => {
  it("answers {object:list, data, has_more, next_cursor} newest first, items as GET shows them", async () => {
    const response = await api("/v1/products", { key: main.key });
    expect(response.status).toBe(200);
    expect(response.headers.get("Request-Id")).toMatch(/^req_[0-9A-Z]{26}$/);
    expect(response.headers.get("API-Version")).toBe("2026-11-01");
    const body = (await response.json()) as ProductList;
    expect(Object.keys(body).sort()).toEqual(["data", "has_more", "next_cursor", "object"]);
    expect(body).toMatchObject({ object: "list", has_more: false, next_cursor: null });
    expect(body.data.map((p) => p.id)).toEqual(newestFirst(catalogue));
    const first = body.data[0];
    expect(first?.object).toBe("product");
    const single = await api(`/v1/products/${first?.id}`, { key: main.key });
    expect(first).toEqual(await single.json());
  });

  it("creation timestamps in the fixture are distinct and increasing", () => {
    const times = catalogue.map((p) => Date.parse(p.created_at));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as number);
  });

  it("order=asc lists oldest first; order=desc is the default; other orders are rejected", async () => {
    expect(await ids(main.key, "order=asc")).toEqual(catalogue.map((p) => p.id));
    expect(await ids(main.key, "order=desc")).toEqual(newestFirst(catalogue));
    await expectFailures(await api("/v1/products?order=newest", { key: main.key }), ["order"]);
  });

  it("carries Server-Timing with db time, rows read and total", async () => {
    const response = await api("/v1/products?limit=3", { key: main.key });
    expect(response.status).toBe(200);
    const timing = response.headers.get("Server-Timing") ?? "";
    expect(timing).toMatch(/db;dur=[\d.]+/);
    expect(timing).toMatch(/rows_read=\d+/);
    expect(timing).toMatch(/total;dur=[\d.]+/);
  });
});

describe("pagination", () => {
  it("walks every page with limit=2: no duplicates, no gaps, last page closes", async () => {
    const walked = await walk(main.key, "");
    expect(walked.ids).toEqual(newestFirst(catalogue));
    expect(walked.pages).toBe(4);
    const ascending = await walk(main.key, "order=asc");
    expect(ascending.ids).toEqual(catalogue.map((p) => p.id));
  });

  it("the last page has has_more false and next_cursor null, even when it is exactly full", async () => {
    const first = await page(main.key, "limit=4");
    expect(first.has_more).toBe(true);
    const last = await page(main.key, q({ limit: "4", cursor: first.next_cursor ?? "" }));
    expect(last.data).toHaveLength(3);
    expect(last).toMatchObject({ has_more: false, next_cursor: null });
    const exact = await page(main.key, "limit=7");
    expect(exact.data).toHaveLength(7);
    expect(exact).toMatchObject({ has_more: false, next_cursor: null });
  });

  it("walks filtered listings", async () => {
    const cases: [string, (p: Product) => boolean][] = [
      ["status=active,inactive", (p) => p.status === "active" || p.status === "inactive"],
      ["tag=kitchen", (p) => p.tags.includes("kitchen")],
      ["tag=kitchen&type=physical&status=active,inactive,archived", (p) => p.tags.includes("kitchen")],
      ["type=physical", (p) => p.type === "physical"],
    ];
    for (const [query, predicate] of cases) {
      expect((await walk(main.key, query)).ids, query).toEqual(where(predicate));
      expect((await walk(main.key, `${query}&order=asc`)).ids, query).toEqual(where(predicate).reverse());
    }
  });

  it("walks a search", async () => {
    const expected = where((p) => /coffee/i.test([p.name, p.description, ...p.tags].join(" ")));
    expect(expected.length).toBe(3);
    const walked = await walk(main.key, "q=coffee");
    expect([...walked.ids].sort()).toEqual([...expected].sort());
    expect(walked.pages).toBe(2);
    const one = await walk(main.key, "q=coffee", 1);
    expect([...one.ids].sort()).toEqual([...expected].sort());
  });

  it("limit defaults to 20", async () => {
    const other = await tenant();
    for (let i = 0; i < 21; i++) await createProduct(other.key, { name: `Bulk ${i}` });
    const body = await page(other.key, "");
    expect(body.data).toHaveLength(20);
    expect(body.has_more).toBe(true);
    const rest = await page(other.key, q({ cursor: body.next_cursor ?? "" }));
    expect(rest.data).toHaveLength(1);
    expect(rest.has_more).toBe(false);
  });
});

describe("query validation", () => {
  it("accepts limit 1 and 100", async () => {
    const one = await page(main.key, "limit=1");
    expect(one.data.map((p) => p.id)).toEqual(newestFirst(catalogue).slice(0, 1));
    expect(one.has_more).toBe(true);
    const hundred = await page(main.key, "limit=100");
    expect(hundred.data).toHaveLength(catalogue.length);
    expect(hundred.has_more).toBe(false);
  });

  it.each(["0", "101", "abc", "1.5", "-1", ""])("rejects limit=%j", async (limit) => {
    await expectFailures(await api(`/v1/products?limit=${limit}`, { key: main.key }), ["limit"]);
  });

  it.each(["foo", "page"])("rejects the unknown parameter %s", async (name) => {
    const body = await expectFailures(await api(`/v1/products?${name}=1`, { key: main.key }), [name]);
    expect(body.failures?.[0]?.message).toContain(name);
  });

  it("rejects garbage cursors", async () => {
    for (const cursor of ["garbage", "!!!", btoa("i:prod_nope"), btoa("s:abc"), "x".repeat(300)]) {
      await expectFailures(await api(`/v1/products?${q({ cursor })}`, { key: main.key }), ["cursor"]);
    }
  });

  it("a search cursor is refused without q, and a listing cursor is refused with q", async () => {
    const search = await page(main.key, "q=coffee&limit=1");
    expect(search.next_cursor).not.toBeNull();
    await expectFailures(
      await api(`/v1/products?${q({ cursor: search.next_cursor ?? "" })}`, { key: main.key }),
      ["cursor"],
    );
    const listing = await page(main.key, "limit=1");
    await expectFailures(
      await api(`/v1/products?${q({ q: "coffee", cursor: listing.next_cursor ?? "" })}`, { key: main.key }),
      ["cursor"],
    );
    // Each cursor still works in its own listing.
    expect(
      (await page(main.key, q({ q: "coffee", limit: "1", cursor: search.next_cursor ?? "" }))).data,
    ).toHaveLength(1);
  });
});

describe("filters", () => {
  it("status: one value and a comma list", async () => {
    expect(await ids(main.key, "status=active")).toEqual(where((p) => p.status === "active"));
    expect(await ids(main.key, "status=archived")).toEqual([byName("Coffee grinder").id]);
    expect(await ids(main.key, "status=inactive,unconfigured")).toEqual(
      where((p) => p.status === "inactive" || p.status === "unconfigured"),
    );
    expect((await ids(main.key, "status=inactive,unconfigured")).length).toBe(3);
  });

  it("status: all four values, and 99, 100 or 500 of them (repeats count once)", async () => {
    const all = newestFirst(catalogue);
    const statuses = ["active", "inactive", "archived", "unconfigured"];
    expect(await ids(main.key, `status=${statuses.join(",")}`)).toEqual(all);
    for (const count of [99, 100, 500]) {
      const cycled = Array.from({ length: count }, (_, index) => statuses[index % 4]).join(",");
      expect(await ids(main.key, q({ status: cycled }))).toEqual(all);
      const archived = Array.from({ length: count }, () => "archived").join(",");
      expect(await ids(main.key, q({ status: archived }))).toEqual([byName("Coffee grinder").id]);
      await expectFailures(await api(`/v1/products?${q({ status: `${cycled},bogus` })}`, { key: main.key }), [
        "status",
      ]);
    }
  });

  it.each(["bogus", "active,bogus", "ACTIVE", "", "active,"])("rejects status=%j", async (status) => {
    await expectFailures(await api(`/v1/products?${q({ status })}`, { key: main.key }), ["status"]);
  });

  it("type", async () => {
    expect(await ids(main.key, "type=service")).toEqual([byName("Barista course").id]);
    expect(await ids(main.key, "type=digital")).toEqual([byName("Recipe ebook").id]);
    expect(await ids(main.key, "type=physical")).toEqual(where((p) => p.type === "physical"));
    await expectFailures(await api("/v1/products?type=food", { key: main.key }), ["type"]);
  });

  it("tag", async () => {
    expect(await ids(main.key, "tag=coffee")).toEqual(where((p) => p.tags.includes("coffee")));
    expect(await ids(main.key, "tag=tea")).toEqual([byName("Tea kettle").id]);
    expect(await ids(main.key, "tag=nothing")).toEqual([]);
  });

  it("agent_id", async () => {
    expect(await ids(main.key, "agent_id=agent-a")).toEqual(where((p) => p.agent_ids.includes("agent-a")));
    expect(await ids(main.key, "agent_id=agent-b")).toEqual(where((p) => p.agent_ids.includes("agent-b")));
    expect(await ids(main.key, "agent_id=agent-c")).toEqual([]);
  });

  it("sku", async () => {
    expect(await ids(main.key, "sku=ESP-1")).toEqual([byName("Espresso machine").id]);
    expect(await ids(main.key, "sku=KETTLE")).toEqual([byName("Tea kettle").id]);
    expect(await ids(main.key, "sku=ESP")).toEqual([]);
  });

  it("gtin, with spaces and hyphens normalized and GTIN-12 found by its GTIN-13 form", async () => {
    const espresso = byName("Espresso machine").id;
    expect(await ids(main.key, "gtin=4006381333931")).toEqual([espresso]);
    expect(await ids(main.key, q({ gtin: "400-6381-33393-1" }))).toEqual([espresso]);
    expect(await ids(main.key, q({ gtin: "4006381 333931" }))).toEqual([espresso]);
    const frother = byName("Milk frother").id;
    expect(await ids(main.key, "gtin=036000291452")).toEqual([frother]);
    expect(await ids(main.key, "gtin=0036000291452")).toEqual([frother]);
    expect(await ids(main.key, "gtin=96385074")).toEqual([]);
  });

  it.each(["4006381333932", "abc", "1234567", "40063813339311"])("rejects gtin=%j", async (gtin) => {
    await expectFailures(await api(`/v1/products?${q({ gtin })}`, { key: main.key }), ["gtin"]);
  });

  it("combines filters (all must hold)", async () => {
    expect(await ids(main.key, "tag=coffee&status=active,inactive")).toEqual(
      where((p) => p.tags.includes("coffee") && (p.status === "active" || p.status === "inactive")),
    );
    expect(await ids(main.key, "tag=kitchen&agent_id=agent-a")).toEqual([byName("Espresso machine").id]);
    expect(await ids(main.key, "tag=kitchen&agent_id=agent-b&type=physical&status=active")).toEqual([
      byName("Milk frother").id,
    ]);
    expect(await ids(main.key, "sku=ESP-1&status=inactive")).toEqual([]);
    expect(await ids(main.key, "tag=coffee&type=service")).toEqual([]);
    expect(await ids(main.key, "gtin=4006381333931&tag=kitchen")).toEqual([byName("Espresso machine").id]);
  });

  it("created_after and created_before take products' created_at as bounds", async () => {
    const middle = catalogue[3] as Product;
    const t = middle.created_at;
    const after = where((p) => p.created_at > t);
    const before = where((p) => p.created_at < t);
    expect(after.length).toBeGreaterThan(0);
    expect(before.length).toBeGreaterThan(0);
    expect(await ids(main.key, q({ created_after: t }))).toEqual(after);
    expect(await ids(main.key, q({ created_before: t }))).toEqual(before);
    const low = (catalogue[1] as Product).created_at;
    const high = (catalogue[5] as Product).created_at;
    expect(await ids(main.key, q({ created_after: low, created_before: high }))).toEqual(
      where((p) => p.created_at > low && p.created_at < high),
    );
    expect(await ids(main.key, q({ created_after: low, created_before: high, status: "archived" }))).toEqual([
      byName("Coffee grinder").id,
    ]);
    // An offset form of the same instant is the same bound.
    const shifted = new Date(Date.parse(t) + 2 * 3600_000).toISOString().replace("Z", "+02:00");
    expect(await ids(main.key, q({ created_after: shifted }))).toEqual(after);
  });

  it("created_after/created_before accept date-only YYYY-MM-DD", async () => {
    const all = newestFirst(catalogue);
    expect(await ids(main.key, "created_after=2000-01-01")).toEqual(all);
    expect(await ids(main.key, "created_before=2000-01-01")).toEqual([]);
    expect(await ids(main.key, "created_before=2999-12-31")).toEqual(all);
    const tomorrow = new Date(Date.parse(catalogue[0]?.created_at ?? "") + 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect(await ids(main.key, `created_after=${tomorrow}`)).toEqual([]);
    expect(await ids(main.key, `created_before=${tomorrow}`)).toEqual(all);
  });

  it.each([
    ["created_after", "yesterday"],
    ["created_after", "2026-02-31"],
    ["created_before", "2026-13-01"],
    ["created_before", "2026-02-31"],
    ["updated_after", "garbage"],
    ["updated_after", "2026-02-30"],
  ])("rejects %s=%j", async (name, value) => {
    await expectFailures(await api(`/v1/products?${q({ [name]: value })}`, { key: main.key }), [name]);
  });

  it("updated_after finds products changed after a PATCH", async () => {
    const t = await tenant();
    const a = (await createProduct(t.key, { name: "Alpha" })) as unknown as Product;
    await sleep(3);
    const b = (await createProduct(t.key, { name: "Beta" })) as unknown as Product;
    await sleep(3);
    expect(await ids(t.key, q({ updated_after: a.updated_at }))).toEqual([b.id]);
    expect(await ids(t.key, q({ updated_after: b.updated_at }))).toEqual([]);
    const patch = await api(`/v1/products/${a.id}`, {
      method: "PATCH",
      key: t.key,
      body: { name: "Alpha 2" },
    });
    expect(patch.status).toBe(200);
    const patched = (await patch.json()) as Product;
    expect(patched.updated_at > b.updated_at).toBe(true);
    expect(await ids(t.key, q({ updated_after: b.updated_at }))).toEqual([a.id]);
    expect(await ids(t.key, q({ updated_after: patched.updated_at }))).toEqual([]);
    expect(await ids(t.key, "updated_after=2000-01-01")).toEqual([b.id, a.id]);
  });
});

describe("search (q)", () => {
  const search = async (key: string, query: string) => (await ids(key, query)).sort();
  const named = (...names: string[]) => names.map((name) => byName(name).id).sort();

  it("matches word prefixes in the name and description, not inner substrings", async () => {
    expect(await search(main.key, "q=espr")).toEqual(named("Espresso machine", "Recipe ebook"));
    expect(await search(main.key, "q=espresso")).toEqual(named("Espresso machine", "Recipe ebook"));
    expect(await search(main.key, "q=presso")).toEqual([]);
    expect(await search(main.key, "q=latte")).toEqual(named("Barista course"));
  });

  it("matches tags and features", async () => {
    expect(await search(main.key, "q=training")).toEqual(named("Barista course"));
    expect(await search(main.key, "q=burr")).toEqual(named("Coffee grinder"));
    expect(await search(main.key, "q=dishwasher")).toEqual(named("Café au lait mug"));
  });

  it("requires every word", async () => {
    expect(await search(main.key, q({ q: "espresso machine" }))).toEqual(named("Espresso machine"));
    expect(await search(main.key, q({ q: "espr rec" }))).toEqual(named("Recipe ebook"));
    expect(await search(main.key, q({ q: "espresso kettle" }))).toEqual([]);
    expect(await search(main.key, q({ q: "  coffee,   grind!" }))).toEqual(named("Coffee grinder"));
  });

  it("is case-insensitive and folds diacritics", async () => {
    expect(await search(main.key, "q=ESPRESSO")).toEqual(named("Espresso machine", "Recipe ebook"));
    expect(await search(main.key, "q=cafe")).toEqual(named("Café au lait mug"));
    expect(await search(main.key, q({ q: "café" }))).toEqual(named("Café au lait mug"));
    expect(await search(main.key, q({ q: "CAFÉ AU" }))).toEqual(named("Café au lait mug"));
  });

  it.each(["!!!", " - ", "   ", ""])("rejects q=%j", async (value) => {
    await expectFailures(await api(`/v1/products?${q({ q: value })}`, { key: main.key }), ["q"]);
  });

  it("combines with status, tag and type", async () => {
    const coffee = await search(main.key, "q=coffee");
    expect(coffee).toEqual(named("Espresso machine", "Café au lait mug", "Coffee grinder"));
    expect(await search(main.key, "q=coffee&status=active")).toEqual(named("Espresso machine"));
    expect(await search(main.key, "q=coffee&status=active,archived")).toEqual(
      named("Espresso machine", "Coffee grinder"),
    );
    expect(await search(main.key, "q=coffee&tag=kitchen")).toEqual(
      named("Espresso machine", "Coffee grinder"),
    );
    expect(await search(main.key, "q=espr&type=digital")).toEqual(named("Recipe ebook"));
    expect(await search(main.key, "q=coffee&tag=kitchen&status=archived")).toEqual(named("Coffee grinder"));
    expect(await search(main.key, "q=coffee&sku=ESP-1")).toEqual(named("Espresso machine"));
  });

  it("re-indexes updated products", async () => {
    const t = await tenant();
    const product = await createProduct(t.key, { name: "Old gadget", tags: ["vintage"] });
    expect(await ids(t.key, "q=gadget")).toEqual([product.id]);
    const patch = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: t.key,
      body: { name: "Shiny widget", tags: ["modern"] },
    });
    expect(patch.status).toBe(200);
    expect(await ids(t.key, "q=shiny")).toEqual([product.id]);
    expect(await ids(t.key, "q=gadget")).toEqual([]);
    expect(await ids(t.key, "q=vintage")).toEqual([]);
    expect(await ids(t.key, "tag=vintage")).toEqual([]);
    expect(await ids(t.key, "tag=modern")).toEqual([product.id]);
    const put = await api(`/v1/products/${product.id}`, {
      method: "PUT",
      key: t.key,
      body: { name: "Brand new thing" },
    });
    expect(put.status).toBe(200);
    expect(await ids(t.key, "q=brand")).toEqual([product.id]);
    expect(await ids(t.key, "q=shiny")).toEqual([]);
    expect(await ids(t.key, "tag=modern")).toEqual([]);
  });
});

describe("deleted products and tenants", () => {
  it("deleted products vanish from the list, filters and search", async () => {
    const t = await tenant();
    const keep = await createProduct(t.key, { name: "Keeper lamp", tags: ["light"], sku: "K1" });
    const gone = await createProduct(t.key, {
      name: "Doomed lamp",
      tags: ["light"],
      sku: "D1",
      gtin: "96385074",
      agent_ids: ["bot"],
    });
    expect(await ids(t.key, "q=lamp")).toEqual([gone.id, keep.id]);
    const response = await api(`/v1/products/${gone.id}`, { method: "DELETE", key: t.key });
    expect(response.status).toBe(200);
    expect(await ids(t.key, "")).toEqual([keep.id]);
    expect(await ids(t.key, "q=lamp")).toEqual([keep.id]);
    expect(await ids(t.key, "q=doomed")).toEqual([]);
    expect(await ids(t.key, "tag=light")).toEqual([keep.id]);
    expect(await ids(t.key, "sku=D1")).toEqual([]);
    expect(await ids(t.key, "gtin=96385074")).toEqual([]);
    expect(await ids(t.key, "agent_id=bot")).toEqual([]);
    expect((await walk(t.key, "", 1)).ids).toEqual([keep.id]);
  });

  it("another org's identical products never appear in list, search or filters", async () => {
    const other = await tenant();
    const mine = byName("Espresso machine");
    const twin = await createProduct(other.key, { ...INPUTS[0] });
    const theirs = [twin.id];
    const queries = [
      "",
      "q=espr",
      "q=coffee",
      "sku=ESP-1",
      "gtin=4006381333931",
      "tag=kitchen",
      "agent_id=agent-a",
      "status=active",
      "type=physical",
      "created_after=2000-01-01",
      "q=espresso&tag=kitchen",
    ];
    for (const query of queries) {
      const seen = await ids(other.key, query);
      expect(seen, query).toEqual(theirs);
      const mineSeen = await ids(main.key, query);
      expect(mineSeen, query).not.toContain(twin.id);
      expect(mineSeen, query).toContain(mine.id);
    }
    expect((await walk(main.key, "")).ids).toEqual(newestFirst(catalogue));
    // A cursor from one org does not leak the other's rows.
    const first = await page(main.key, "limit=1");
    const crossed = await page(other.key, q({ limit: "100", cursor: first.next_cursor ?? "" }));
    for (const product of crossed.data) expect(product.org_id).toBe(other.orgId);
  });

  it("requires a key for listing", async () => {
    const response = await api("/v1/products");
    await expectError(response, 401, "unauthorized");
  });
});
