// The example client of examples/client, generated from the served document, run against the
// Worker; every exchange is also checked against the document (test/contract.ts).
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { productsClient, tour } from "../../examples/client/client";
import { checkExchange } from "../contract";
import { BASE, tenant } from "../helpers";

async function viaWorker(request: Request): Promise<Response> {
  const sent = request.clone();
  const response = await exports.default.fetch(request);
  await checkExchange(sent, response.clone());
  return response;
}

describe("the generated client (examples/client)", () => {
  it("creates, patches, lists, meets a 412 and a 422, and deletes", async () => {
    const { key } = await tenant();
    const result = await tour(productsClient(BASE, key, viaWorker));
    expect(result.created).toMatchObject({ name: "Desk lamp", status: "active", version: 1 });
    expect(result.rich.prices).toEqual([
      { currency: "EUR", amount: 2500, compare_at_amount: null, cost_amount: null, markup_percent: null },
      { currency: "USD", amount: 2500, compare_at_amount: null, cost_amount: 1000, markup_percent: 150 },
    ]);
    expect(result.rich.variants.map((variant) => variant.options)).toEqual([{ size: "S" }, { size: "M" }]);
    expect(result.patched).toMatchObject({ status: "inactive", description: null, version: 2 });
    expect(result.pages).toEqual([[result.rich.id], [result.created.id]]);
    expect(result.currentVersion).toBe(2);
    expect(result.reusedKey).toBe("idempotency_key_reused");
    expect(result.deleted).toEqual({ id: result.rich.id, object: "product", deleted: true });
  });
});
