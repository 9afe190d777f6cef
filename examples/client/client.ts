// A typed client of the Products API, generated from its OpenAPI document:
//
//   npx openapi-typescript https://<your api>/openapi.json -o api.d.ts
//   npm install openapi-fetch
//
// `tour` walks the everyday calls. The project's tests run it against the Worker
// (test/client.test.ts) and `npm run typecheck` compiles it with `tsc --strict` against types
// generated from the document the Worker serves, so this file stays a working example.
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

export type Product = components["schemas"]["Product"];

/** A client for one API key; `fetch` is for tests and runtimes with their own. */
export function productsClient(
  baseUrl: string,
  key: string,
  fetch?: (request: Request) => Promise<Response>,
) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${key}` }, fetch });
}

type Client = ReturnType<typeof productsClient>;

export async function tour(client: Client) {
  // Create with only a name: every other field has a server default.
  const plain = await client.POST("/v1/products", { body: { name: "Desk lamp" } });
  if (!plain.data) throw new Error(`create: ${plain.error?.key}`);

  // Create with prices, options, variants and a localization.
  const rich = await client.POST("/v1/products", {
    params: { header: { "idempotency-key": `tour-${plain.data.id}` } },
    body: {
      name: "T-shirt",
      prices: [
        { currency: "EUR", amount: 2500 },
        { currency: "USD", cost_amount: 1000, markup_percent: 150 },
      ],
      options: [{ name: "size", values: ["S", "M"] }],
      variants: [
        { options: { size: "S" }, sku: `TS-S-${plain.data.id}` },
        { options: { size: "M" }, sku: `TS-M-${plain.data.id}` },
      ],
      localizations: { de: { name: "T-Shirt" } },
    },
  });
  if (!rich.data) throw new Error(`create: ${rich.error?.key}`);

  // The README's merge patch: null resets a field to its default.
  const patched = await client.PATCH("/v1/products/{id}", {
    params: { path: { id: plain.data.id } },
    body: { status: "inactive", description: null },
  });
  if (!patched.data) throw new Error(`patch: ${patched.error?.key}`);

  // A page of one, then the next page by its cursor.
  const first = await client.GET("/v1/products", { params: { query: { limit: 1 } } });
  if (!first.data?.next_cursor) throw new Error("list: expected a second page");
  const second = await client.GET("/v1/products", {
    params: { query: { limit: 1, cursor: first.data.next_cursor } },
  });
  if (!second.data) throw new Error(`list: ${second.error?.key}`);

  // A stale If-Match is a 412 whose body names the current version.
  const stale = await client.PATCH("/v1/products/{id}", {
    params: { path: { id: plain.data.id }, header: { "if-match": '"1"' } },
    body: { name: "Desk lamp, brass" },
  });
  let currentVersion: number | undefined;
  if (stale.error?.key === "precondition_failure") currentVersion = stale.error.current_version;

  // An Idempotency-Key sent again with another body is a 422.
  const reused = await client.POST("/v1/products", {
    params: { header: { "idempotency-key": `tour-${plain.data.id}` } },
    body: { name: "Something else" },
  });
  const reusedKey = reused.error?.key === "idempotency_key_reused" ? reused.error.key : undefined;

  const deleted = await client.DELETE("/v1/products/{id}", { params: { path: { id: rich.data.id } } });
  if (!deleted.data) throw new Error(`delete: ${deleted.error?.key}`);

  return {
    created: plain.data,
    rich: rich.data,
    patched: patched.data,
    pages: [first.data.data.map((product) => product.id), second.data.data.map((product) => product.id)],
    currentVersion,
    reusedKey,
    deleted: deleted.data,
  };
}
