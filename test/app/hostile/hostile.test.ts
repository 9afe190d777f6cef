// A hostile-input corpus against every write operation of the OpenAPI document: the Big List of
// Naughty Strings in every string field, wrong JSON types, numbers past every range, NaN and
// Infinity, nulls, huge arrays, deep nesting, duplicate keys, a BOM, invalid UTF-8, bodies at and
// past 1 MiB, wrong and missing content types, oversized headers and query strings. Every answer
// must be a documented one (the contract, Errors): 2xx, or a 4xx of the error table in the one error
// shape. Never a 5xx. Afterwards D1 holds exactly the products the 201s made.
//
// Violations are collected rather than thrown at the first one, so that a run lists every problem
// with the request that shows it; one summary line reports the counts.
//
// This file holds the cases, the fixtures (beforeAll) and the summary line (afterAll); it is the one
// test file of the folder, because the last case needs every request of the run in one storage.
// The rest of the folder:
//   corpus.ts                  the hostile values: naughty strings, type confusions, bytes, sizes
//   json.ts                    raw JSON text, bytes, paths inside a body
//   products.ts                a valid product body, its text fields and what a read must show
//   operations.ts              every write operation (OPS), request(), fresh fixtures and victims
//   naughty-bodies.ts          generators: naughty strings in the fields, type confusion
//   structural-bodies.ts       generator: syntax, encodings, sizes, media types, key names
//   params-headers-queries.ts  generators: path parameters, 16 KB headers, query strings
//   harness.ts                 the key pool, send/execute/runAll, product tracking
//   checks.ts                  the error table, the one error shape, the checks of a request
//   state.ts                   all mutable state of the run (counts, violations, fixtures, products)
//   summary.ts                 the summary line and the grouped violations

import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createOrg } from "../../helpers";
import { expect2xx, type Result } from "./checks";
import { SAMPLE } from "./corpus";
import { execute, type Req, runAll } from "./harness";
import { toJson } from "./json";
import { confusionBodies, naughtyBodies, perFieldBodies } from "./naughty-bodies";
import { BURST, newImage, newProduct, OPS, opById, productPath, request, TEXT_TARGETS } from "./operations";
import {
  bigHeaders,
  bigQuery,
  headerRequest,
  pathParamRequests,
  queryRequests,
} from "./params-headers-queries";
import { productTextStored, storedDifference } from "./products";
import { state } from "./state";
import { structuralBodies } from "./structural-bodies";
import { grouped, summary } from "./summary";

const { fx, stats } = state;

beforeAll(async () => {
  state.orgId = await createOrg("Hostile org");
  const doc = (await (await api("/openapi.json")).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  state.writeOperations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((method) => ["post", "put", "patch", "delete"].includes(method))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  fx.anchor = await newProduct({ name: "Anchor", destination: { url: "https://acme.example/a" } });
  fx.put = await newProduct({ name: "PUT target" });
  fx.patch = await newProduct({ name: "PATCH target" });
  fx.patchField = await newProduct({ name: "PATCH field target" });
  fx.inventory = await newProduct({ name: "Stock", inventory: { tracking: "product", quantity: 0 } });
  fx.images = await newProduct({ name: "Images" });
  fx.imageId = await newImage(fx.images);
  for (let i = 0; i < TEXT_TARGETS; i++) {
    fx.patchTexts.push(await newProduct({ name: `PATCH text target ${i}` }));
    const product = await newProduct({ name: `Image alt target ${i}` });
    fx.imageTargets.push({ product, image: await newImage(product) });
  }
}, 60_000);

afterAll(() => {
  console.log(JSON.stringify({ hostile_summary: summary() }));
});

describe("hostile input against every write operation", () => {
  it("has a case for every write operation of the OpenAPI document, and none it lacks", () => {
    expect(state.writeOperations.length).toBeGreaterThan(0);
    expect(OPS.map((op) => op.id).sort()).toEqual([...state.writeOperations].sort());
  });

  it("answers every input with a documented status in the one error shape, never a 5xx", async () => {
    // Baseline: the valid request of each operation succeeds (else the corpus tests nothing).
    await runAll(
      OPS.filter((op) => !op.victim).map((op) =>
        request(op, "baseline", { body: op.body ? toJson(op.body()) : undefined, check: expect2xx }),
      ),
      1,
    );
    await runAll([
      ...naughtyBodies(),
      ...perFieldBodies(),
      ...confusionBodies(),
      ...structuralBodies(),
      ...pathParamRequests(),
      ...queryRequests(),
      ...OPS.filter((op) => !op.victim).flatMap((op) =>
        bigHeaders().map(([name, value]) => headerRequest(op, name, value, op.path())),
      ),
    ]);
    // Concurrent writes to one product without If-Match: the last write wins and none is refused
    // (the contract, Versions and preconditions: 412 is for an If-Match that does not match).
    const patch = opById("PATCH /v1/products/{id}");
    await runAll(
      Array.from({ length: BURST }, (_, i) =>
        request(patch, "concurrent_without_if_match", {
          path: productPath(fx.patchTexts[0] as string),
          body: toJson({ description: `concurrent ${i}` }),
          check: expect2xx,
        }),
      ),
      BURST,
    );

    // The webhook endpoints the corpus made, to remove at the end.
    const endpoints = (
      await execute({
        op: "GET /v1/webhook_endpoints",
        kind: "cleanup_list",
        method: "GET",
        path: "/v1/webhook_endpoints",
        verification: true,
        check: expect2xx,
      })
    ).json as { data?: { id: string }[] };
    // DELETEs last, each on a fresh victim (a request that ignores a header may remove it), then a
    // plain DELETE of each: every operation has answered 2xx at least once.
    const deletes: Req[] = [];
    for (const op of OPS.filter((o) => o.victim)) {
      const victim = op.victim as () => Promise<string>;
      for (const [name, value] of bigHeaders()) deletes.push(headerRequest(op, name, value, await victim()));
      deletes.push(request(op, "big_query_on_write", { path: `${await victim()}?${bigQuery("x")}` }));
      deletes.push(request(op, "baseline", { path: await victim(), check: expect2xx }));
    }
    const deleteEndpoint = opById("DELETE /v1/webhook_endpoints/{id}");
    for (const endpoint of endpoints.data ?? []) {
      deletes.push(
        request(deleteEndpoint, "cleanup", {
          path: `/v1/webhook_endpoints/${endpoint.id}`,
          check: expect2xx,
        }),
      );
    }
    await runAll(deletes);

    for (const op of OPS) {
      expect(
        Object.keys(stats.byOp[op.id] ?? {}).some((status) => status.startsWith("2")),
        op.id,
      ).toBe(true);
    }
    expect(grouped()).toEqual([]);
    expect(stats.fiveXX).toBe(0);
  }, 180_000);

  it("stores accepted naughty strings as sent (trimmed where the contract trims, identifiers in NFC)", async () => {
    const { roundTrips } = state;
    // About 400 of the list pass every field (those with an invisible character fail the identifiers).
    expect(roundTrips.length).toBeGreaterThan(350);
    const expected = new Map(roundTrips.map(({ id, text }) => [id, text]));
    const mismatches: string[] = [];
    const compare = (product: { id: string }, text: string) => {
      stats.roundTrips++;
      const difference = storedDifference(productTextStored(text), product);
      if (difference) mismatches.push(`${JSON.stringify(text)}: ${difference}`);
    };
    // Every product of the org, page by page; each one the naughty pass made is compared.
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page = await execute({
        op: "GET /v1/products",
        kind: "round_trip_list",
        method: "GET",
        path: `/v1/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        verification: true,
        check: expect2xx,
      });
      const body = page.json as { data: { id: string }[]; has_more: boolean; next_cursor: string | null };
      for (const product of body.data) {
        const text = expected.get(product.id);
        if (text !== undefined) {
          seen.add(product.id);
          compare(product, text);
        }
      }
      cursor = body.has_more ? body.next_cursor : null;
    } while (cursor);
    expect(seen.size).toBe(expected.size);
    // And one by one, for the sample of strings.
    await runAll(
      roundTrips
        .filter(({ text }) => SAMPLE.includes(text))
        .map(({ id, text }) => ({
          op: "GET /v1/products/{id}",
          kind: "round_trip_get",
          method: "GET",
          path: productPath(id),
          verification: true,
          check: expect2xx,
          onResult: (result: Result) => compare(result.json as { id: string }, text),
        })),
    );
    expect(mismatches).toEqual([]);
  }, 60_000);

  it("holds exactly the products the 201s created, minus those a 2xx DELETE removed", async () => {
    const { createdProducts, deletedProducts } = state;
    const { results } = await env.DB.prepare("SELECT id, number FROM products WHERE org_id = ?")
      .bind(state.orgId)
      .all<{ id: string; number: number }>();
    stats.rowsChecked = results.length;
    const byWethod = results.filter((row) => state.wethodNumbers.has(row.number)).map((row) => row.id);
    expect(byWethod.length).toBe(state.wethodNumbers.size);
    const made = new Set([...createdProducts, ...byWethod]);
    const expected = [...made].filter((id) => !deletedProducts.has(id)).sort();
    expect(deletedProducts.size).toBeGreaterThan(0);
    expect(results.map((row) => row.id).sort()).toEqual(expected);
  });
});
