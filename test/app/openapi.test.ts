// The served OpenAPI document: what holds for every operation, the merge-patch and read-only
// rules, and that the contract check of test/contract.ts does fail when a response strays.
import { describe, expect, it } from "vitest";
import { checkExchange, schemaErrors } from "../contract";
import { api, BASE, createProduct, tenant } from "../helpers";

type Json = Record<string, unknown>;
type Operation = {
  operationId: string;
  tags: string[];
  parameters: Json[];
  responses: Record<string, { headers: Record<string, Json>; content?: Record<string, { schema: Json }> }>;
  security?: Json[];
};
type Document = {
  info: { license: { identifier: string } };
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
};

const load = async () => (await (await api("/openapi.json")).json()) as Document;

const operationsOf = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

const parameterNames = (operation: Operation) =>
  operation.parameters.map((parameter) =>
    typeof parameter.$ref === "string" ? String(parameter.$ref).split("/").pop() : parameter.name,
  );

const keysOf = (operation: Operation, status: string) => {
  const schema = operation.responses[status]?.content?.["application/json"]?.schema as {
    allOf?: [unknown, { properties: { key: { enum: string[] } } }];
  };
  return schema?.allOf?.[1].properties.key.enum ?? [];
};

describe("the OpenAPI document", () => {
  it("states on every operation what every request and response carries", async () => {
    const document = await load();
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(28);
    for (const { path, method, operation } of operations) {
      const name = `${method} ${path}`;
      const parameters = parameterNames(operation);
      expect(parameters, name).toContain("API-Version");
      const keyed = operation.security?.some((requirement) => "bearer" in requirement) ?? false;
      expect(parameters.includes("Org-Id"), name).toBe(keyed);
      expect(keysOf(operation, "400"), name).toContain("unsupported_api_version");
      expect(keysOf(operation, "500"), name).toEqual(["internal_error"]);
      // /health is the one route no limit counts.
      expect("429" in operation.responses, name).toBe(path !== "/health");
      for (const [status, response] of Object.entries(operation.responses)) {
        expect(Object.keys(response.headers), `${name} ${status}`).toEqual(
          expect.arrayContaining(["Request-Id", "API-Version"]),
        );
        if (status === "201") expect(Object.keys(response.headers), name).toContain("Location");
        if (status === "412")
          expect(response.content?.["application/json"]?.schema).toEqual({
            $ref: "#/components/schemas/PreconditionFailure",
          });
      }
      const idempotent = ["post", "patch"].includes(method) && parameters.includes("idempotency-key");
      if (path.startsWith("/v1/") && ["post", "patch"].includes(method)) expect(idempotent, name).toBe(true);
    }
    for (const [path, method] of [
      ["/v1/products/{id}", "put"],
      ["/v1/products/{id}", "patch"],
      ["/v1/products/{id}", "delete"],
      ["/v1/products/{id}/images", "post"],
      ["/v1/products/{id}/images/{image_id}", "patch"],
      ["/v1/products/{id}/images/{image_id}", "delete"],
      ["/v1/products/{id}/inventory_adjustments", "post"],
    ] as const)
      expect(parameterNames(document.paths[path]?.[method] as Operation), `${method} ${path}`).toContain(
        "if-match",
      );
    expect(parameterNames(document.paths["/v1/products/{id}"]?.get as Operation)).toContain("if-none-match");
    expect(document.info.license.identifier).toBe("LicenseRef-Proprietary");
    const tagged = new Set(operations.flatMap(({ operation }) => operation.tags));
    expect(document.tags.map((tag) => tag.name).sort()).toEqual([...tagged].sort());
    for (const tag of document.tags) expect(tag.description.length, tag.name).toBeGreaterThan(10);
  });

  it("describes a merge patch: every field optional, null resets all but name", async () => {
    const patch = "#/components/schemas/ProductPatch";
    expect(await schemaErrors(patch, { status: "inactive", description: null })).toEqual([]);
    expect(await schemaErrors(patch, {})).toEqual([]);
    expect(
      await schemaErrors(patch, {
        inventory: { quantity: null, tracking: "product" },
        seo: { title: null },
        localizations: { de: null, fr: { description: "Une lampe" } },
        destination: null,
        prices: null,
        tags: ["a"],
      }),
    ).toEqual([]);
    expect(await schemaErrors(patch, { name: null })).not.toEqual([]);
    expect(await schemaErrors(patch, { defaultPrice: 100 })).not.toEqual([]);
    expect(await schemaErrors(patch, { inventory: { bogus: 1 } })).not.toEqual([]);
    expect(await schemaErrors(patch, { status: "deleted" })).not.toEqual([]);
    // A create needs only a name; a create without one is refused.
    expect(await schemaErrors("#/components/schemas/ProductInput", { name: "Lamp" })).toEqual([]);
    expect(await schemaErrors("#/components/schemas/ProductInput", { description: "x" })).not.toEqual([]);
  });

  it("takes back a product as read: its read-only fields are declared, unknown ones refused", async () => {
    const { key } = await tenant();
    const created = await createProduct(key, {
      prices: [{ currency: "EUR", amount: 1299 }],
      options: [{ name: "size", values: ["S"] }],
      variants: [{ options: { size: "S" } }],
      localizations: { de: { name: "Lampe" } },
      inventory: { tracking: "product", quantity: 3 },
      available_from: "2026-01-01",
    });
    const read = (await (await api(`/v1/products/${created.id}`, { key })).json()) as Json;
    expect(await schemaErrors("#/components/schemas/ProductInput", read)).toEqual([]);
    expect(await schemaErrors("#/components/schemas/ProductPatch", read)).toEqual([]);
    expect(await schemaErrors("#/components/schemas/ProductInput", { ...read, bogus: true })).not.toEqual([]);
    // The server agrees: the product as read, sent back, changes nothing.
    const put = await api(`/v1/products/${created.id}`, { method: "PUT", key, body: read });
    expect(put.status).toBe(200);
    expect(((await put.json()) as Json).version).toBe(read.version);
  });

  it("has patterns where the server has rules", async () => {
    const input = "#/components/schemas/ProductInput";
    for (const [body, ok] of [
      [{ name: "x", available_from: "2026-11-22" }, true],
      [{ name: "x", available_from: "2026-11-22T10:04:47.269Z" }, true],
      [{ name: "x", available_from: "22.11.2026" }, false],
      [{ name: "x", prices: [{ currency: "eur", amount: 1 }] }, true],
      [{ name: "x", prices: [{ currency: "EURO", amount: 1 }] }, false],
      [{ name: "x", gtin: "4006381 333931" }, true],
      [{ name: "x", gtin: "400638133393111" }, false],
      [{ name: "x", default_locale: "pt-BR" }, true],
      [{ name: "x", default_locale: "pt_BR" }, false],
      [{ name: "x", default_locale: "e" }, false],
      [{ name: "x", localizations: { "zh-Hant-TW": { name: "燈" } } }, true],
      [{ name: "x", localizations: { en_US: { name: "Lamp" } } }, false],
      [{ name: "   " }, false],
      [{ name: "  Lamp  " }, true],
      [{ name: "x", allowed_countries: ["de"] }, true],
      [{ name: "x", allowed_countries: ["DEU"] }, false],
      [{ name: "x".repeat(512) }, true],
      [{ name: "x".repeat(513) }, false],
      [{ name: "x", tags: Array.from({ length: 51 }, (_, index) => `t${index}`) }, false],
    ] as const)
      expect((await schemaErrors(input, body)).length === 0, JSON.stringify(body).slice(0, 80)).toBe(ok);
    expect(await schemaErrors("#/components/schemas/InventoryAdjustment", { delta: 0 })).not.toEqual([]);
    expect(await schemaErrors("#/components/schemas/InventoryAdjustment", { delta: -1 })).toEqual([]);
  });
});

describe("the contract check", () => {
  const { request, body } = {
    request: () => new Request(`${BASE}/health`),
    body: JSON.stringify({ status: "ok" }),
  };
  const headers = {
    "Content-Type": "application/json",
    "Request-Id": "req_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK",
    "API-Version": "2026-11-01",
    "Cache-Control": "private, no-store",
  };

  it("passes a response as documented", async () => {
    await expect(checkExchange(request(), new Response(body, { headers }))).resolves.toBeUndefined();
  });

  it("fails an undocumented status, a missing or undeclared header, and an undocumented field", async () => {
    await expect(checkExchange(request(), new Response(body, { status: 201, headers }))).rejects.toThrow(
      /status 201 is not documented/,
    );
    const { "Request-Id": _, ...withoutId } = headers;
    await expect(checkExchange(request(), new Response(body, { headers: withoutId }))).rejects.toThrow(
      /required header request-id missing/,
    );
    await expect(
      checkExchange(request(), new Response(body, { headers: { ...headers, "Retry-After": "1" } })),
    ).rejects.toThrow(/retry-after is sent but not declared/);
    await expect(
      checkExchange(request(), new Response(JSON.stringify({ status: "ok", extra: 1 }), { headers })),
    ).rejects.toThrow(/body/);
    await expect(
      checkExchange(request(), new Response(JSON.stringify({ status: "down" }), { headers })),
    ).rejects.toThrow(/body/);
  });

  it("fails a request the server accepted that the document refuses", async () => {
    const accepted = new Request(`${BASE}/v1/products?limit=500`);
    await expect(checkExchange(accepted, new Response(JSON.stringify({}), { headers }))).rejects.toThrow(
      /request query limit=500/,
    );
  });
});
