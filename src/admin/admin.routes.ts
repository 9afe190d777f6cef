import { createRoute } from "@hono/zod-openapi";
import { jsonBody } from "../middleware/json-body";
import { errorResponses, IdempotencyHeader, IdParam, idempotencyErrors } from "../shared/schemas";
import {
  ApiKey,
  ApiKeyInput,
  Org,
  OrgInput,
  OrgList,
  OrgListQuery,
  OrgPatch,
  RevokedApiKey,
} from "./admin.schemas";

const tags = ["Admin"];
const security = [{ admin: [] }];
/** Every admin route: no or a wrong token, or a publishable key (403). */
const adminErrors = ["unauthorized", "forbidden", "not_found", "rate_limited"] as const;
const bodyErrors = [
  ...adminErrors,
  "invalid_data",
  "invalid_json",
  "payload_too_large",
  "unsupported_media_type",
] as const;

export const createOrg = createRoute({
  operationId: "createOrg",
  method: "post",
  path: "/orgs",
  tags,
  security,
  summary: "Create an org",
  description: "A tenant: products, keys' access and events all belong to one org.",
  middleware: [jsonBody()] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: OrgInput } } },
  },
  responses: {
    201: { description: "The org.", content: { "application/json": { schema: Org } } },
    ...errorResponses(...bodyErrors, ...idempotencyErrors),
  },
});

export const listOrgs = createRoute({
  operationId: "listOrgs",
  method: "get",
  path: "/orgs",
  tags,
  security,
  summary: "List orgs",
  description: "Every org, newest first, cursor-paginated.",
  request: { query: OrgListQuery },
  responses: {
    200: { description: "A page of orgs.", content: { "application/json": { schema: OrgList } } },
    ...errorResponses(...adminErrors, "invalid_data"),
  },
});

export const updateOrg = createRoute({
  operationId: "updateOrg",
  method: "patch",
  path: "/orgs/{id}",
  tags,
  security,
  summary: "Update an org",
  description:
    "Changes the fields sent (`name`, `default_currency`); the others stay. The default currency applies to writes made after it, never to prices already stored.",
  middleware: [jsonBody()] as const,
  request: {
    params: IdParam("Org id", "org_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK"),
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: OrgPatch } } },
  },
  responses: {
    200: { description: "The org.", content: { "application/json": { schema: Org } } },
    ...errorResponses(...bodyErrors, ...idempotencyErrors),
  },
});

export const createApiKey = createRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/api_keys",
  tags,
  security,
  summary: "Create an API key",
  description: "The key is in this response only; just its SHA-256 hash is stored.",
  middleware: [jsonBody()] as const,
  request: {
    headers: IdempotencyHeader,
    body: { required: true, content: { "application/json": { schema: ApiKeyInput } } },
  },
  responses: {
    201: { description: "The key.", content: { "application/json": { schema: ApiKey } } },
    ...errorResponses(...bodyErrors, ...idempotencyErrors),
  },
});

export const revokeApiKey = createRoute({
  operationId: "revokeApiKey",
  method: "delete",
  path: "/api_keys/{id}",
  tags,
  security,
  summary: "Revoke an API key",
  description:
    "The key stops working within a second: each isolate keeps a key it checked for at most 1 s before reading it from D1 again.",
  request: { params: IdParam("API key id", "key_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK") },
  responses: {
    200: { description: "Revoked.", content: { "application/json": { schema: RevokedApiKey } } },
    ...errorResponses(...adminErrors),
  },
});
