// The fixtures of the sweep: org B with data of every kind (products, image, inventory, scans,
// idempotent writes, events, an endpoint and its deliveries, secret and publishable keys), the
// ghosts (values of the same shapes that exist nowhere), B's markers and ids, and org A with its
// own product, image, deleted image, endpoint and event. setUpOrgs() fills `state` (beforeAll);
// snapshotOfB() reads B's data as B sees it, before the sweep and after.
import { expect } from "vitest";
import { ulidToUuid } from "../../../src/lib/ids";
import { admin, api, createKey, createOrg } from "../../helpers";
import { pngVariant } from "../../image-origin";
import { png } from "./generators";
import { call } from "./judge";
import {
  A_ORIGIN,
  ALL_SCOPES,
  B_ORIGIN,
  ghostId,
  gtin13,
  KeyRing,
  lowerRandom,
  productCursor,
  RECEIVER,
  type Snapshot,
  state,
} from "./model";

export async function publishable(orgId: string, origin: string): Promise<{ id: string; key: string }> {
  const response = await admin("/api_keys", {
    method: "POST",
    body: {
      name: "tenancy storefront",
      org_ids: [orgId],
      type: "publishable",
      scopes: ["storefront.read"],
      allowed_origins: [origin],
    },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}

export async function waitForDeliveries(endpointId: string, eventIds: string[]) {
  const until = Date.now() + 15_000;
  for (;;) {
    const { body } = await call(
      await state.bSecret.take(),
      `/v1/webhook_endpoints/${endpointId}/deliveries?limit=100`,
    );
    const rows = body.data as { id: string; event_id: string; status_code: number | null }[];
    const delivered = new Set(rows.filter((row) => row.status_code === 200).map((row) => row.event_id));
    if (eventIds.every((id) => delivered.has(id)) || Date.now() > until) return rows;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A product id as the dialects with UUID ids (Awardee, Tamio) name it. */
export const uuidOf = (productId: string) => ulidToUuid(productId.slice("prod_".length)) as string;

/** B's data as B reads it: products, endpoint, events, storefront, image. */
export async function snapshotOfB(): Promise<Snapshot> {
  const out: Snapshot = {};
  const read = async (name: string, path: string, key: string, headers: Record<string, string> = {}) => {
    const response = await api(path, { key, headers });
    out[name] = { status: response.status, etag: response.headers.get("ETag"), body: await response.text() };
  };
  for (const id of ["p1", "p2", "p3"] as const)
    await read(id, `/v1/products/${state.B[id]}`, await state.bSecret.take());
  await read("products", "/v1/products?limit=100", await state.bSecret.take());
  await read("endpoint", `/v1/webhook_endpoints/${state.B.we}`, await state.bSecret.take());
  await read("endpoints", "/v1/webhook_endpoints", await state.bSecret.take());
  await read("events", "/v1/events?limit=100", await state.bSecret.take());
  await read("storefront", `/v1/storefront/products/${state.B.slug}`, state.bPk, { Origin: B_ORIGIN });
  await read("storefront de", `/v1/storefront/products/${state.B.slugDe}?locale=de`, state.bPk, {
    Origin: B_ORIGIN,
  });
  await read("image", `/images/${state.B.img}`, "");
  return out;
}

/** Makes orgs B and A and everything the sweep names (the suite's beforeAll). */
export async function setUpOrgs(): Promise<void> {
  const rand = lowerRandom();
  const word = `bzq${rand}`;

  // Org B, with data of every kind.
  state.bOrgName = `Tenancy B ${word}`;
  const bOrg = await createOrg(state.bOrgName);
  const main = await createKey([bOrg], ALL_SCOPES);
  state.bMainKey = main.key;
  state.bSecret = new KeyRing(async () => (await createKey([bOrg], ALL_SCOPES)).key);
  const bPublishable = await publishable(bOrg, B_ORIGIN);
  state.bPk = bPublishable.key;

  const url = `${RECEIVER}/tenancy-b-${rand}`;
  const endpoint = await call(
    await state.bSecret.take(),
    "/v1/webhook_endpoints",
    { method: "POST", body: { url, events: ["*"], description: `B endpoint ${word}` } },
    201,
  );
  state.bEndpointSecret = String(endpoint.body.secret);

  const sku = `B-SKU-${rand}`;
  const gtin = gtin13();
  const slug = `bravo-${word}`;
  const slugDe = `bravo-de-${word}`;
  const tag = `t${word}`;
  const agent = `agent-${word}`;
  state.bProductBody = {
    name: `Bravo ${word}`,
    description: `B-only description ${word}`,
    sku,
    gtin,
    slug,
    tags: [tag],
    agent_ids: [agent],
    props: { secret: `B-PROPS-${word}` },
    prices: [{ currency: "EUR", amount: 1299, cost_amount: 700 }],
    inventory: { tracking: "product", quantity: 10, low_stock_threshold: 2 },
    localizations: { de: { name: `Bravo Deutsch ${word}`, slug: slugDe } },
    options: [{ name: "Size", values: ["S", "M"] }],
    variants: [{ options: { Size: "S" }, sku: `B-VAR-${rand}` }, { options: { Size: "M" } }],
    destination: { url: `https://b.example/dest-${rand}` },
  };
  const createIdem = `b-create-${rand}`;
  const p1 = await call(
    await state.bSecret.take(),
    "/v1/products",
    { method: "POST", body: state.bProductBody, headers: { "Idempotency-Key": createIdem } },
    201,
  );
  const p1Id = String(p1.body.id);
  const uploaded = await call(await state.bSecret.take(), `/v1/products/${p1Id}/images`, {
    method: "POST",
    body: pngVariant(crypto.getRandomValues(new Uint32Array(1))[0] ?? 7),
    headers: { "Content-Type": "image/png" },
  });
  const image = (uploaded.body.images as { id: string; sha256: string }[])[0];
  if (!image) throw new Error("no image uploaded");
  await call(await state.bSecret.take(), `/v1/products/${p1Id}/images/${image.id}`, {
    method: "PATCH",
    body: { alt: `B alt ${word}` },
  });
  await call(await state.bSecret.take(), `/v1/products/${p1Id}/inventory_adjustments`, {
    method: "POST",
    body: { delta: -1, reason: `B restock ${word}` },
  });
  await call(await state.bSecret.take(), `/v1/products/${p1Id}/scans`, { method: "POST" });
  const patchIdem = `b-patch-${rand}`;
  state.bPatchBody = { description: `B patched ${word}` };
  await call(await state.bSecret.take(), `/v1/products/${p1Id}`, {
    method: "PATCH",
    body: state.bPatchBody,
    headers: { "Idempotency-Key": patchIdem },
  });
  const p2 = await call(
    await state.bSecret.take(),
    "/v1/products",
    { method: "POST", body: { name: `Bravo second ${word}`, sku: `B2-SKU-${rand}`, tags: [tag] } },
    201,
  );
  const p3 = await call(
    await state.bSecret.take(),
    "/v1/products",
    {
      method: "POST",
      body: {
        name: `Bravo third ${word}`,
        status: "inactive",
        destination: { url: `https://b.example/third-${rand}` },
      },
    },
    201,
  );
  const listed = await call(await state.bSecret.take(), "/v1/products?limit=1");
  const shop = await call(state.bPk, "/v1/storefront/products?limit=1", { headers: { Origin: B_ORIGIN } });
  const events = (await call(await state.bSecret.take(), "/v1/events?limit=100")).body.data as {
    id: string;
  }[];
  const deliveries = await waitForDeliveries(
    String(endpoint.body.id),
    events.map((event) => event.id),
  );
  const [newest] = events;
  const oldest = events[events.length - 1];
  const [delivery] = deliveries;
  if (!newest || !oldest || !delivery) throw new Error("B has no events or no deliveries");
  expect(deliveries.filter((row) => row.status_code === 200).length).toBeGreaterThanOrEqual(events.length);

  state.B = {
    org: bOrg,
    p1: p1Id,
    p1Uuid: uuidOf(p1Id),
    p2: String(p2.body.id),
    p3: String(p3.body.id),
    img: image.id,
    evtFirst: oldest.id,
    evtLast: newest.id,
    we: String(endpoint.body.id),
    del: delivery.id,
    keyId: main.id,
    pkId: bPublishable.id,
    slug,
    slugDe,
    sku,
    gtin,
    word,
    tag,
    agent,
    url,
    createIdem,
    patchIdem,
    productCursor: String(listed.body.next_cursor),
    storefrontCursor: String(shop.body.next_cursor),
  };
  expect(listed.body.next_cursor).toBeTypeOf("string");
  expect(shop.body.next_cursor).toBeTypeOf("string");

  const grand = lowerRandom();
  const gword = `gzq${grand}`;
  const g1 = ghostId(state.B.p1);
  state.G = {
    org: ghostId(state.B.org),
    p1: g1,
    p1Uuid: uuidOf(g1),
    p2: ghostId(state.B.p2),
    p3: ghostId(state.B.p3),
    img: ghostId(state.B.img),
    evtFirst: ghostId(state.B.evtFirst),
    evtLast: ghostId(state.B.evtLast),
    we: ghostId(state.B.we),
    del: ghostId(state.B.del),
    keyId: ghostId(state.B.keyId),
    pkId: ghostId(state.B.pkId),
    slug: `ghost-${gword}`,
    slugDe: `ghost-de-${gword}`,
    sku: `G-SKU-${grand}`,
    gtin: gtin13(),
    word: gword,
    tag: `t${gword}`,
    agent: `agent-${gword}`,
    url: `${RECEIVER}/tenancy-g-${grand}`,
    createIdem: `g-create-${grand}`,
    patchIdem: `g-patch-${grand}`,
    productCursor: productCursor(ghostId(atob(state.B.productCursor).slice(2))),
    storefrontCursor: productCursor(ghostId(atob(state.B.storefrontCursor).slice(2))),
  };

  const variantIds = (p1.body.variants as { id: string }[]).map((variant) => variant.id);
  state.markers = [
    ...Object.values(state.B),
    state.bOrgName,
    `Bravo ${word}`,
    `B-only description ${word}`,
    `B-PROPS-${word}`,
    `Bravo Deutsch ${word}`,
    `B alt ${word}`,
    `B patched ${word}`,
    `B restock ${word}`,
    `Bravo second ${word}`,
    `Bravo third ${word}`,
    `B-VAR-${rand}`,
    `B2-SKU-${rand}`,
    `B endpoint ${word}`,
    `https://b.example/dest-${rand}`,
    `https://b.example/third-${rand}`,
    state.bEndpointSecret,
    state.bMainKey,
    state.bPk,
    image.sha256,
    ...variantIds,
    ...events.map((event) => event.id),
    ...deliveries.map((row) => row.id),
  ];
  state.bIds = new Set([
    state.B.p1,
    state.B.p2,
    state.B.p3,
    state.B.img,
    state.B.we,
    ...variantIds,
    ...events.map((event) => event.id),
  ]);
  for (const row of deliveries) state.bIds.add(row.id);

  // Org A: a product with an option and an image, an image deleted again, an endpoint, events.
  const aOrg = await createOrg(`Tenancy A ${rand}`);
  state.aSecret = new KeyRing(async () => (await createKey([aOrg], ALL_SCOPES)).key);
  state.aPublishable = new KeyRing(async () => (await publishable(aOrg, A_ORIGIN)).key);
  const aProduct = await call(
    await state.aSecret.take(),
    "/v1/products",
    {
      method: "POST",
      body: {
        name: "Alpha lamp",
        tags: ["alpha"],
        options: [{ name: "Size", values: ["S"] }],
        variants: [{ options: { Size: "S" } }],
      },
    },
    201,
  );
  const aProductId = String(aProduct.body.id);
  const aUpload = await call(await state.aSecret.take(), `/v1/products/${aProductId}/images`, {
    method: "POST",
    ...png(),
  });
  const aImage = (aUpload.body.images as { id: string }[])[0];
  const spare = await call(
    await state.aSecret.take(),
    "/v1/products",
    { method: "POST", body: { name: "Alpha spare" } },
    201,
  );
  const spareUpload = await call(await state.aSecret.take(), `/v1/products/${String(spare.body.id)}/images`, {
    method: "POST",
    ...png(),
  });
  const spareImage = (spareUpload.body.images as { id: string }[])[0];
  if (!aImage || !spareImage) throw new Error("A's images were not uploaded");
  await call(await state.aSecret.take(), `/v1/products/${String(spare.body.id)}/images/${spareImage.id}`, {
    method: "DELETE",
  });
  // A's endpoint takes low_stock events only, which A never causes: its delivery log stays empty and
  // steady while the sweep compares answers.
  const aEndpoint = await call(
    await state.aSecret.take(),
    "/v1/webhook_endpoints",
    { method: "POST", body: { url: `${RECEIVER}/tenancy-a-${rand}`, events: ["product.low_stock"] } },
    201,
  );
  const aEvents = (await call(await state.aSecret.take(), "/v1/events")).body.data as { id: string }[];
  state.A = {
    org: aOrg,
    product: aProductId,
    image: aImage.id,
    deletedImage: spareImage.id,
    event: String(aEvents[0]?.id),
    we: String(aEndpoint.body.id),
  };
  expect(aProduct.body.org_id).toBe(aOrg);

  state.before = await snapshotOfB();
  state.bImageEtag = String(state.before.image?.etag);
  for (const [name, entry] of Object.entries(state.before)) expect(entry.status, `B's ${name}`).toBe(200);
}
