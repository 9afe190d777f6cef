// `number`: each product's number in its org, 1, 2, 3, … in the order of creation, never reused and
// never shared with another org (no global sequence that would show other orgs' counts).
import { describe, expect, it } from "vitest";
import { api, createKey, createOrg, expectError, type Tenant, tenant } from "../helpers";

type Numbered = { id: string; number: number; version: number };

async function create(t: Tenant, body: Record<string, unknown> = {}, headers?: Record<string, string>) {
  return api("/v1/products", { method: "POST", key: t.key, body: { name: "Numbered", ...body }, headers });
}

async function created(t: Tenant, body: Record<string, unknown> = {}): Promise<Numbered> {
  const response = await create(t, body);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Numbered;
}

describe("product numbers", () => {
  it("count from 1 in each org, whatever other orgs made", async () => {
    const a = await tenant();
    const b = await tenant();
    expect((await created(a)).number).toBe(1);
    expect((await created(a)).number).toBe(2);
    expect((await created(b)).number).toBe(1);
    expect((await created(a)).number).toBe(3);
  });

  it("are never reused: a deleted product's number stays taken", async () => {
    const t = await tenant();
    await created(t);
    const second = await created(t);
    const response = await api(`/v1/products/${second.id}`, { method: "DELETE", key: t.key });
    expect(response.status).toBe(200);
    expect((await created(t)).number).toBe(3);
  });

  it("a refused create takes no number", async () => {
    const t = await tenant();
    await created(t, { sku: "TAKEN" });
    await expectError(await create(t, { sku: "TAKEN" }), 409, "duplicate_sku");
    await expectError(await create(t, { prices: [{ currency: "XXX", amount: 1 }] }), 400, "invalid_data");
    expect((await created(t)).number).toBe(2);
  });

  it("a keyed create's retry answers the same number and takes no other", async () => {
    const t = await tenant();
    const headers = { "Idempotency-Key": `numbers-${crypto.randomUUID()}` };
    const first = (await (await create(t, {}, headers)).json()) as Numbered;
    const again = (await (await create(t, {}, headers)).json()) as Numbered;
    expect(again.number).toBe(first.number);
    expect((await created(t)).number).toBe(first.number + 1);
  });

  it("concurrent creates get distinct numbers, 1 … n", async () => {
    const orgId = await createOrg();
    const { id, key } = await createKey([orgId]);
    const t = { orgId, key, keyId: id };
    const products = await Promise.all(Array.from({ length: 12 }, () => created(t)));
    expect(products.map((product) => product.number).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it("are read-only: a number sent is ignored, on create, PUT and PATCH", async () => {
    const t = await tenant();
    const product = await created(t, { number: 99 });
    expect(product.number).toBe(1);
    const patched = await api(`/v1/products/${product.id}`, {
      method: "PATCH",
      key: t.key,
      body: { number: 7, description: "x" },
    });
    expect(((await patched.json()) as Numbered).number).toBe(1);
    const replaced = await api(`/v1/products/${product.id}`, {
      method: "PUT",
      key: t.key,
      body: { name: "Again", number: 5 },
    });
    expect(((await replaced.json()) as Numbered).number).toBe(1);
  });

  it("are in the product's events and its list entries", async () => {
    const orgId = await createOrg();
    const { key, id } = await createKey([orgId], ["product.edit", "webhook.manage"]);
    const t = { orgId, key, keyId: id };
    const product = await created(t);
    const events = (await (await api("/v1/events", { key })).json()) as {
      data: { data: { object: { id: string; number: number } } }[];
    };
    expect(events.data.map((event) => event.data.object.number)).toEqual([product.number]);
    const list = (await (await api("/v1/products", { key })).json()) as { data: Numbered[] };
    expect(list.data.map((listed) => listed.number)).toEqual([1]);
  });
});
