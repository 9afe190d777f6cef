// Every write operation of the OpenAPI document as an Op: its target, path parameters, a valid body,
// the media types, headers and naughty pass it gets, and the check of an accepted text. Also request()
// (a Req for an Op) and the fresh resources the corpus makes through the same accounting (products,
// images, webhook endpoints, DELETE victims).

import { bytesOf, IMAGES } from "../../fixtures/images";
import { createKey } from "../../helpers";
import { expect2xx, type Result, type TextField } from "./checks";
import { execute, type Req } from "./harness";
import { concat, type Json, toJson } from "./json";
import {
  gtin13,
  PRODUCT_TEXT,
  productBody,
  productText,
  productTextStored,
  storedDifference,
} from "./products";
import { state } from "./state";

export const TEXT_TARGETS = 8;
/** Concurrent writes to one product, without If-Match. */
export const BURST = 32;

export type Op = {
  id: string;
  method: string;
  admin?: boolean;
  /** The fixed target of this operation's hostile requests. */
  path: () => string;
  /** The path with `segment` in each of its path parameters in turn. */
  paramPaths?: (segment: string) => string[];
  /** A valid body. */
  body?: () => Json;
  /** Media types the operation accepts for its JSON body; the first is sent. */
  mediaTypes?: string[];
  /** A fresh resource for a DELETE, which the request may remove. */
  victim?: () => Promise<string>;
  ifMatch?: boolean;
  idempotency?: boolean;
  /** Top-level fields that also take one string for their list or object (Trata's `tags`). */
  alsoString?: string[];
  /**
   * The naughty pass: each string in every string field of the body at once ("all"), or in its
   * free-text fields with their rules as the oracle ("text"), or 10 strings at a time in a list ("list").
   */
  naughty?: "all" | "text" | "list";
  /** For "text": the fields, the body, the check of an accepted answer, and the i-th request's target. */
  text?: {
    fields: TextField[];
    body: (text: string) => Json;
    stored?: (text: string, result: Result) => string | undefined;
    path?: (i: number) => string;
  };
};

export const productPath = (id: string) => `/v1/products/${id}`;
/** A valid body of the Trata dialect (every string field filled, for the naughty pass). */
const trataBody = (): Json => ({
  active: true,
  defaultPrice: 123,
  currency: "AED",
  description: "High-quality gardening tools",
  name: "Garden Tool Set",
  shippable: false,
  features: ["ergonomic handles"],
  scheduleAppointment: false,
  props: "stainless steel",
  tags: "gardening",
  status: "active",
  agentIds: ["agent_7"],
});
const JSON_ONLY = ["application/json"];
const encode = (segment: string) => encodeURIComponent(segment);
/** The fixtures (the object is filled in by beforeAll, never replaced). */
const { fx } = state;

export const OPS: Op[] = [
  {
    id: "POST /v1/products",
    method: "POST",
    path: () => "/v1/products",
    body: productBody,
    mediaTypes: JSON_ONLY,
    idempotency: true,
    naughty: "text",
    text: {
      fields: PRODUCT_TEXT,
      body: productText,
      stored: (text, r) => storedDifference(productTextStored(text), r.json),
    },
  },
  {
    id: "PUT /v1/products/{id}",
    method: "PUT",
    path: () => productPath(fx.put),
    paramPaths: (s) => [productPath(encode(s))],
    body: productBody,
    mediaTypes: JSON_ONLY,
    ifMatch: true,
    naughty: "all",
  },
  {
    id: "PATCH /v1/products/{id}",
    method: "PATCH",
    path: () => productPath(fx.patch),
    paramPaths: (s) => [productPath(encode(s))],
    body: productBody,
    mediaTypes: ["application/merge-patch+json", "application/json"],
    ifMatch: true,
    idempotency: true,
    naughty: "all",
    text: {
      fields: PRODUCT_TEXT,
      body: productText,
      stored: (text, r) => storedDifference(productTextStored(text), r.json),
      path: (i) => productPath(fx.patchTexts[i % TEXT_TARGETS] as string),
    },
  },
  {
    id: "DELETE /v1/products/{id}",
    method: "DELETE",
    path: () => productPath(fx.anchor),
    paramPaths: (s) => [productPath(encode(s))],
    victim: async () => productPath(await newProduct()),
    ifMatch: true,
  },
  {
    id: "POST /compat/trata/v1/products",
    method: "POST",
    path: () => "/compat/trata/v1/products",
    body: trataBody,
    alsoString: ["tags", "agentIds", "props"],
    mediaTypes: JSON_ONLY,
    idempotency: true,
    naughty: "all",
  },
  {
    id: "POST /compat/wethod/api/products",
    method: "POST",
    path: () => "/compat/wethod/api/products",
    body: () => ({
      name: "Premium Software License",
      description: "Annual license",
      available_from: "2024-01-01",
      available_to: "2024-12-31",
      external_cost: 100.5,
      markup: 20,
      price: 120.6,
    }),
    mediaTypes: JSON_ONLY,
    idempotency: true,
    naughty: "all",
  },
  {
    id: "POST /compat/awardee/v1/products",
    method: "POST",
    path: () => "/compat/awardee/v1/products",
    body: () => ({
      name: "Espresso machine",
      gtin: gtin13(++state.serial),
      description: "15 bar pump",
      destination: { url: "https://example.com/espresso" },
      status: "active",
    }),
    mediaTypes: JSON_ONLY,
    idempotency: true,
    naughty: "all",
  },
  {
    id: "POST /compat/tamio/v2/products/create/service",
    method: "POST",
    path: () => "/compat/tamio/v2/products/create/service",
    body: () => ({
      unlimited_stock: true,
      tax_category: "digital services",
      pricing_model: [{ currency: "eur", price: 10 }],
      languages: { en: { title: "my awesome product" } },
    }),
    mediaTypes: JSON_ONLY,
    idempotency: true,
    naughty: "all",
  },
  {
    id: "PUT /compat/trata/v1/products/{product_id}",
    method: "PUT",
    path: () => `/compat/trata${productPath(fx.put)}`,
    paramPaths: (s) => [`/compat/trata${productPath(encode(s))}`],
    body: trataBody,
    alsoString: ["tags", "agentIds", "props"],
    mediaTypes: JSON_ONLY,
    ifMatch: true,
    naughty: "all",
  },
  {
    id: "DELETE /compat/trata/v1/products/{product_id}",
    method: "DELETE",
    path: () => `/compat/trata${productPath(fx.anchor)}`,
    paramPaths: (s) => [`/compat/trata${productPath(encode(s))}`],
    victim: async () => `/compat/trata${productPath(await newProduct())}`,
    ifMatch: true,
  },
  {
    id: "POST /v1/products/{id}/inventory_adjustments",
    method: "POST",
    path: () => `${productPath(fx.inventory)}/inventory_adjustments`,
    paramPaths: (s) => [`${productPath(encode(s))}/inventory_adjustments`],
    body: () => ({ delta: 1, reason: "restock" }),
    mediaTypes: JSON_ONLY,
    ifMatch: true,
    idempotency: true,
    naughty: "text",
    text: { fields: [{ path: ["reason"], min: 1, max: 256 }], body: (text) => ({ delta: 1, reason: text }) },
  },
  {
    id: "POST /v1/products/{id}/scans",
    method: "POST",
    path: () => `${productPath(fx.anchor)}/scans`,
    paramPaths: (s) => [`${productPath(encode(s))}/scans`],
    idempotency: true,
  },
  {
    id: "POST /v1/products/{id}/images",
    method: "POST",
    path: () => `${productPath(fx.images)}/images`,
    paramPaths: (s) => [`${productPath(encode(s))}/images`],
    body: () => ({ image_urls: ["https://blocked.localhost/a.png"] }),
    mediaTypes: JSON_ONLY,
    ifMatch: true,
    idempotency: true,
    naughty: "list",
  },
  {
    id: "PATCH /v1/products/{id}/images/{image_id}",
    method: "PATCH",
    path: () => `${productPath(fx.images)}/images/${fx.imageId}`,
    paramPaths: (s) => [
      `${productPath(encode(s))}/images/${fx.imageId}`,
      `${productPath(fx.images)}/images/${encode(s)}`,
    ],
    body: () => ({ alt: "Alt text", position: 0 }),
    mediaTypes: JSON_ONLY,
    ifMatch: true,
    idempotency: true,
    naughty: "text",
    text: {
      fields: [{ path: ["alt"], min: 0, max: 1000 }],
      body: (text) => ({ alt: text }),
      path: (i) => {
        const target = fx.imageTargets[i % TEXT_TARGETS] as { product: string; image: string };
        return `${productPath(target.product)}/images/${target.image}`;
      },
      stored: (text, r) => {
        const alt = (r.json as { images?: { alt: unknown }[] }).images?.[0]?.alt;
        return alt === text
          ? undefined
          : `stored alt ${JSON.stringify(alt)} instead of ${JSON.stringify(text)}`;
      },
    },
  },
  {
    id: "DELETE /v1/products/{id}/images/{image_id}",
    method: "DELETE",
    path: () => `${productPath(fx.images)}/images/${fx.imageId}`,
    paramPaths: (s) => [
      `${productPath(encode(s))}/images/${fx.imageId}`,
      `${productPath(fx.images)}/images/${encode(s)}`,
    ],
    victim: async () => `${productPath(fx.images)}/images/${await newImage(fx.images)}`,
    ifMatch: true,
  },
  {
    id: "POST /v1/webhook_endpoints",
    method: "POST",
    path: () => "/v1/webhook_endpoints",
    body: () => ({
      url: "https://hooks.example.com/products",
      events: ["product.low_stock"],
      description: "Hostile",
    }),
    mediaTypes: JSON_ONLY,
    idempotency: true,
    naughty: "all",
  },
  {
    id: "DELETE /v1/webhook_endpoints/{id}",
    method: "DELETE",
    path: () => "/v1/webhook_endpoints/we_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK",
    paramPaths: (s) => [`/v1/webhook_endpoints/${encode(s)}`],
    victim: async () => `/v1/webhook_endpoints/${await newEndpoint()}`,
  },
  {
    id: "POST /v1/admin/orgs",
    method: "POST",
    admin: true,
    path: () => "/v1/admin/orgs",
    body: () => ({ name: "Hostile org" }),
    mediaTypes: JSON_ONLY,
    idempotency: true,
    naughty: "text",
    text: {
      fields: [{ path: ["name"], min: 1, max: 256, trim: true }],
      body: (text) => ({ name: text }),
      stored: (text, r) => storedDifference({ name: text.trim() }, r.json),
    },
  },
  {
    id: "PATCH /v1/admin/orgs/{id}",
    method: "PATCH",
    admin: true,
    path: () => `/v1/admin/orgs/${state.orgId}`,
    paramPaths: (s) => [`/v1/admin/orgs/${encode(s)}`],
    body: () => ({ name: "Hostile org", default_currency: "EUR" }),
    mediaTypes: JSON_ONLY,
    naughty: "text",
    text: {
      fields: [{ path: ["name"], min: 1, max: 256, trim: true }],
      body: (text) => ({ name: text }),
      stored: (text, r) => storedDifference({ name: text.trim() }, r.json),
    },
  },
  {
    id: "POST /v1/admin/api_keys",
    method: "POST",
    admin: true,
    path: () => "/v1/admin/api_keys",
    body: () => ({ name: "hostile", org_ids: [state.orgId], type: "secret", scopes: ["product.read"] }),
    mediaTypes: JSON_ONLY,
    idempotency: true,
    naughty: "all",
  },
  {
    id: "DELETE /v1/admin/api_keys/{id}",
    method: "DELETE",
    admin: true,
    path: () => "/v1/admin/api_keys/key_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK",
    paramPaths: (s) => [`/v1/admin/api_keys/${encode(s)}`],
    victim: async () => `/v1/admin/api_keys/${(await createKey([state.orgId], ["product.read"])).id}`,
  },
];

export const opById = (id: string) => OPS.find((op) => op.id === id) as Op;
export const createOp = opById("POST /v1/products");
export const bodyOps = OPS.filter((op) => op.body);
export const request = (op: Op, kind: string, extra: Partial<Req> = {}): Req => ({
  op: op.id,
  kind,
  method: op.method,
  path: op.path(),
  admin: op.admin,
  contentType: op.body ? op.mediaTypes?.[0] : undefined,
  ...extra,
});

// Fresh resources, made through the same accounting as every other request.
async function created(req: Req): Promise<Record<string, unknown>> {
  const result = await execute({ ...req, setup: true, check: expect2xx });
  return (result.json ?? {}) as Record<string, unknown>;
}
export async function newProduct(body: Json = { name: "Fixture" }): Promise<string> {
  return String((await created(request(createOp, "fixture", { body: toJson(body) }))).id);
}
/** Uploads a PNG of bytes of its own to the product; the new image's id. */
export async function newImage(productId: string): Promise<string> {
  const png = bytesOf(IMAGES.png);
  const bytes = concat(png, new Uint8Array([0, 0, 0, ++state.imageVariant]));
  const op = opById("POST /v1/products/{id}/images");
  const product = await created(
    request(op, "fixture", {
      path: `${productPath(productId)}/images`,
      body: bytes,
      contentType: "image/png",
    }),
  );
  const images = (product.images ?? []) as { id: string }[];
  return images.reduce((a, b) => (a.id > b.id ? a : b)).id;
}
async function newEndpoint(): Promise<string> {
  const op = opById("POST /v1/webhook_endpoints");
  return String((await created(request(op, "fixture", { body: toJson(op.body?.() ?? {}) }))).id);
}
