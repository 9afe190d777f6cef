// The served OpenAPI document: what the routes declare, finished with what holds for every
// operation (the request and response headers of the conventions, tags) and the schemas derived
// from others (read-only fields a client may send back, the merge-patch form of a create body),
// so that no route repeats them and none can forget them. Also the fragments routes of several
// features share (authErrors, ifMatch, etagHeader).
import { z } from "@hono/zod-openapi";
import { API_VERSIONS } from "../middleware/api-version";

/** The errors of every authenticated operation. */
export const authErrors = [
  "unauthorized",
  "forbidden",
  "org_required",
  "unsupported_api_version",
  "rate_limited",
] as const;

/** A write conditional on the resource's version. */
export const ifMatch = z.object({
  "if-match": z
    .string()
    .optional()
    .openapi({ description: 'Apply only at this version: `"<version>"`, a list, or `*`.' }),
});

/** The resource's ETag, `"<version>"` (the header is declared once, below). */
export const etagHeader = { ETag: { $ref: "#/components/headers/ETag" } };

type Schema = Record<string, unknown>;
type Parameter = { $ref?: string; name?: string; in?: string };
type Response = { headers?: Record<string, unknown> };
type Operation = {
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean };
  responses: Record<string, Response>;
};
type Document = {
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: { name: string; description: string }[];
};

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

const HEADERS: Record<string, Schema> = {
  "Request-Id": {
    description: "This request's id, also in every error body: quote it when asking for help.",
    required: true,
    schema: { type: "string", pattern: "^req_[0-9A-Z]{26}$" },
  },
  "API-Version": {
    description: "The API version that answered.",
    required: true,
    schema: { type: "string", enum: [...API_VERSIONS] },
  },
  "Cache-Control": {
    required: true,
    description:
      "`private, no-store`, except on the storefront's reads (`public`, with a max-age) and the images (`public, max-age=31536000, immutable`).",
    schema: { type: "string" },
  },
  "Server-Timing": {
    description: 'On responses that read D1: `db;dur=…;desc="rows_read=… rows_written=…", total;dur=…`.',
    schema: { type: "string" },
  },
  "D1-Bookmark": {
    description:
      "On responses that touched D1 in a D1 session: always when the database has read replicas, else when the request sent a `D1-Bookmark`. Send the last one you were given back as a `D1-Bookmark` request header to read your writes.",
    schema: { type: "string" },
  },
  "RateLimit-Limit": {
    description: "Requests allowed in the window.",
    schema: { type: "integer", minimum: 0 },
  },
  "RateLimit-Remaining": {
    description: "Requests left in the window (an upper bound when several isolates count).",
    schema: { type: "integer", minimum: 0 },
  },
  "RateLimit-Reset": {
    description: "Seconds until the window ends.",
    schema: { type: "integer", minimum: 0 },
  },
  "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 0 } },
  "Idempotent-Replayed": {
    description:
      "`true` when this is the stored response of an earlier request with the same Idempotency-Key.",
    schema: { type: "string", enum: ["true"] },
  },
  Location: { description: "The URL of what was created.", schema: { type: "string" } },
  ETag: {
    description: 'Strong ETag: `"<version>"` for a product.',
    schema: { type: "string", pattern: '^"[^"]*"$' },
  },
  "WWW-Authenticate": { description: "`Bearer realm=…`.", schema: { type: "string" } },
};

const PARAMETERS: Record<string, Schema> = {
  "API-Version": {
    name: "API-Version",
    in: "header",
    description: "The API version to use; absent: the newest. Echoed in the `API-Version` response header.",
    schema: { type: "string", enum: [...API_VERSIONS] },
  },
  "Org-Id": {
    name: "Org-Id",
    in: "header",
    description:
      "The org to act on, for a key that works for several (`400 org_required` without it); an org the key lacks is `403`.",
    schema: { type: "string", pattern: "^org_[0-9A-Z]{26}$" },
  },
};

const TAGS: Record<string, string> = {
  Products: "The product resource: create, read, list, replace, merge-patch, delete, stock.",
  Images: "Product images: fetched from URLs or uploaded, stored in R2, served without a key.",
  Scans: "Scan counts: recorded with a key, or by a shopper following `/s/{id}`.",
  Storefront: "The public projection a shop page reads with a publishable key.",
  Currencies: "The currencies prices may use, with their minor-unit exponents.",
  Events: "Product events, kept 30 days.",
  "Webhook endpoints": "URLs that receive the events, signed as Standard Webhooks.",
  Admin: "Operators: orgs and api keys, with the ADMIN_TOKEN.",
  Operations: "Liveness of the Worker.",
  "Wethod dialect": "Wethod's product API, as Wethod documents it, over the same products (docs/compat.md).",
  "Awardee dialect":
    "Awardee's product API, as Awardee documents it, over the same products (docs/compat.md).",
  "Trata dialect": "Trata's product API, as Trata documents it, over the same products (docs/compat.md).",
  "Tamio dialect": "Tamio's product API, as Tamio documents it, over the same products (docs/compat.md).",
};

const isKeyed = (operation: Operation) =>
  operation.security?.some((requirement) => "bearer" in requirement) ?? false;

/** Every operation: API-Version (and Org-Id where a key acts), the headers every response carries. */
function finishOperations(document: Document) {
  for (const methods of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(methods)) {
      const parameters = operation.parameters ?? [];
      const idempotent = parameters.some((parameter) => parameter.name === "idempotency-key");
      const limited = "429" in operation.responses;
      const names = ["API-Version", ...(isKeyed(operation) ? ["Org-Id"] : [])];
      // No operation takes an optional body. (The image upload's route says `required: false`
      // only because @hono/zod-openapi would then parse the image bytes as JSON.)
      if (operation.requestBody) operation.requestBody.required = true;
      operation.parameters = [...parameters, ...names.map((name) => ref("parameters", name))];
      for (const [status, response] of Object.entries(operation.responses)) {
        const headers: Record<string, unknown> = {
          "Request-Id": ref("headers", "Request-Id"),
          "API-Version": ref("headers", "API-Version"),
          "Cache-Control": ref("headers", "Cache-Control"),
          "Server-Timing": ref("headers", "Server-Timing"),
          "D1-Bookmark": ref("headers", "D1-Bookmark"),
        };
        if (limited)
          for (const name of ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"])
            headers[name] = ref("headers", name);
        if (idempotent) headers["Idempotent-Replayed"] = ref("headers", "Idempotent-Replayed");
        if (status === "201") headers.Location = ref("headers", "Location");
        response.headers = { ...headers, ...response.headers };
      }
    }
  }
}

const isObject = (schema: Schema) =>
  schema.type === "object" || (Array.isArray(schema.type) && schema.type.includes("object"));

const allowsNull = (schema: Schema): boolean =>
  Object.keys(schema).length === 0 ||
  schema.type === "null" ||
  (Array.isArray(schema.type) && schema.type.includes("null")) ||
  (Array.isArray(schema.anyOf) && (schema.anyOf as Schema[]).some(allowsNull));

function nullable(schema: Schema): Schema {
  if (allowsNull(schema)) return schema;
  if (typeof schema.type === "string" && !("$ref" in schema)) {
    const enumWithNull = Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {};
    return { ...schema, type: [schema.type, "null"], ...enumWithNull };
  }
  return { anyOf: [schema, { type: "null" }] };
}

/**
 * The JSON merge patch (RFC 7396) form of an object schema: every property optional; every one
 * that is not required nullable (null resets it to its default, or removes a map's member);
 * nested objects and maps patched the same way, arrays replaced whole; no defaults (absent means
 * unchanged). A referenced object schema gets a `…Patch` component of its own.
 */
function mergePatchOf(schema: Schema, components: Record<string, Schema>): Schema {
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").pop() as string;
    const target = components[name];
    if (!target || !isObject(target)) return schema;
    const patchName = `${name}Patch`;
    if (!components[patchName]) {
      components[patchName] = {};
      components[patchName] = mergePatchOf(target, components);
    }
    return ref("schemas", patchName);
  }
  if (Array.isArray(schema.anyOf))
    return { ...schema, anyOf: (schema.anyOf as Schema[]).map((member) => mergePatchOf(member, components)) };
  if (!isObject(schema)) return schema;
  const { required, default: _default, ...rest } = schema;
  const patched: Schema = { ...rest };
  if (schema.properties) {
    const requiredNames = new Set((required as string[] | undefined) ?? []);
    patched.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, Schema>).map(([name, property]) => {
        const { default: _propertyDefault, ...withoutDefault } = property;
        const patch = mergePatchOf(withoutDefault, components);
        return [name, requiredNames.has(name) || property.readOnly ? patch : nullable(patch)];
      }),
    );
  }
  if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null)
    patched.additionalProperties = nullable(mergePatchOf(schema.additionalProperties as Schema, components));
  return patched;
}

/**
 * Declares the read-only fields of `from` (the response schema) on the write schemas too, as
 * `readOnly` and optional: the server ignores them there, so sending back what was read is valid
 * by the document as it is by the server. Unknown fields stay refused.
 */
export function readOnlyFields(from: string, into: string[], fields: readonly string[]) {
  return (components: Record<string, Schema>) => {
    const source = components[from]?.properties as Record<string, Schema>;
    for (const field of fields) {
      const property = source[field];
      if (!property) throw new Error(`OpenAPI: ${from} has no read-only field ${field}.`);
      source[field] = { ...property, readOnly: true };
      for (const name of into) {
        const target = components[name] as { properties: Record<string, Schema> };
        target.properties[field] = source[field];
      }
    }
  };
}

/** Registers `patchName` as the merge-patch form of `of` (see mergePatchOf), with its own example. */
export function mergePatch(of: string, patchName: string, example: Schema) {
  return (components: Record<string, Schema>) => {
    components[patchName] = { ...mergePatchOf(components[of] as Schema, components), example };
  };
}

/**
 * Request schemas state their defaults in prose, not as `default`: generators such as
 * openapi-typescript read `default` as "always present" and would make a client send every such
 * field, where the server fills them in. Query parameters keep theirs (they stay optional there).
 */
function describeRequestDefaults(document: Document) {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  const seen = new Set<unknown>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach(visit);
    const schema = node as Schema;
    if (typeof schema.$ref === "string") visit(schemas[schema.$ref.split("/").pop() as string]);
    if ("default" in schema) {
      const prose = `Default: \`${JSON.stringify(schema.default)}\`.`;
      schema.description = schema.description ? `${schema.description} ${prose}` : prose;
      delete schema.default;
    }
    for (const [key, value] of Object.entries(schema))
      if (key !== "example" && key !== "examples") visit(value);
  };
  for (const methods of Object.values(document.paths ?? {}))
    for (const operation of Object.values(methods)) visit(operation.requestBody);
}

/** The document as served: the routes' declarations finished (see the top of this file). */
export function finishDocument<T extends object>(
  served: T,
  derive: ((components: Record<string, Schema>) => void)[],
): T {
  const document = served as Document;
  document.components ??= {};
  const components = document.components;
  components.headers = { ...components.headers, ...HEADERS };
  components.parameters = { ...components.parameters, ...PARAMETERS };
  components.schemas ??= {};
  const schemas = components.schemas as Record<string, Schema>;
  for (const step of derive) step(schemas);
  finishOperations(document);
  describeRequestDefaults(document);
  const used = new Set(
    Object.values(document.paths ?? {}).flatMap((methods) =>
      Object.values(methods).flatMap((operation) => operation.tags ?? []),
    ),
  );
  document.tags = [...used].map((name) => ({ name, description: TAGS[name] ?? name }));
  return served;
}
