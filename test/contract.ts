// Every request the tests send through `api()` is checked against the served OpenAPI document:
// the response's status must be documented for its operation, its headers must be the declared
// ones (required present, values by their schemas, none of the API's own headers undeclared) and
// its body must match the schema, with objects closed (a field the document does not name fails);
// and a request the server accepted (2xx) must be valid by the document too (its body, query and
// headers), so the document is never stricter than the server.

import { exports } from "cloudflare:workers";
import { type Schema, Validator } from "@cfworker/json-schema";

type Json = Record<string, unknown>;
type Parameter = { name: string; in: string; required?: boolean; schema: Json };
type Header = { required?: boolean; schema: Json };
type MediaContent = Record<string, { schema?: Json }>;
type ResponseSpec = { headers?: Record<string, Json>; content?: MediaContent };
type Operation = {
  operationId: string;
  parameters?: Json[];
  requestBody?: { required?: boolean; content: MediaContent };
  responses: Record<string, ResponseSpec>;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, Json>>;
};

const DOCUMENT_URI = "https://contract.test/openapi.json";

/** The API's own headers: a response that sends one must declare it. */
const API_HEADERS = [
  "request-id",
  "api-version",
  "etag",
  "location",
  "retry-after",
  "ratelimit-limit",
  "ratelimit-remaining",
  "ratelimit-reset",
  "server-timing",
  "idempotent-replayed",
  "d1-bookmark",
  "content-language",
  "www-authenticate",
];

/** Paths the document does not describe (they serve it). */
const UNDOCUMENTED = [/^(\/compat\/[a-z]+)?\/openapi\.json$/, /^\/docs(\/|$)/];

/** A copy of the document whose object schemas admit only the properties they name. */
function closed(document: Document): Document {
  const copy = structuredClone(document);
  const allOfTargets = new Set<string>();
  const collect = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(collect);
    else if (node && typeof node === "object") {
      const schema = node as Json;
      if (Array.isArray(schema.allOf))
        for (const member of schema.allOf as Json[])
          if (typeof member.$ref === "string") allOfTargets.add(member.$ref);
      Object.values(schema).forEach(collect);
    }
  };
  collect(copy);
  const close = (node: unknown, inAllOf: boolean) => {
    if (Array.isArray(node)) {
      for (const item of node) close(item, inAllOf);
      return;
    }
    if (!node || typeof node !== "object") return;
    const schema = node as Json;
    if (Array.isArray(schema.allOf)) {
      schema.unevaluatedProperties ??= false;
      for (const member of schema.allOf) close(member, true);
    } else if (schema.properties && schema.additionalProperties === undefined && !inAllOf) {
      schema.additionalProperties = false;
    }
    for (const [key, value] of Object.entries(schema))
      if (key !== "allOf" && key !== "example") close(value, false);
  };
  for (const [name, schema] of Object.entries(copy.components.schemas ?? {}))
    close(schema, allOfTargets.has(`#/components/schemas/${name}`));
  for (const methods of Object.values(copy.paths))
    for (const operation of Object.values(methods))
      for (const response of Object.values(operation.responses))
        for (const media of Object.values(response.content ?? {})) close(media.schema, false);
  return copy;
}

/** Refs of an inline schema made absolute, so that they resolve in the document. */
function absolute(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(absolute);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#")
        ? `${DOCUMENT_URI}${value}`
        : absolute(value),
    ]),
  );
}

type Contract = {
  document: Document;
  operations: { method: string; pattern: RegExp; template: string; operation: Operation }[];
  validate: (schema: Json, value: unknown, open?: boolean) => string[];
};

let contract: Promise<Contract> | undefined;
/** The `{$ref}` schemas schemaErrors made, kept so that each compiles once. */
const references = new Map<string, Json>();
const ERROR = { $ref: "#/components/schemas/Error" };

async function load(): Promise<Contract> {
  const response = await exports.default.fetch(new Request("https://api.test/openapi.json"));
  const document = (await response.json()) as Document;
  const strict = { ...closed(document), $id: DOCUMENT_URI } as unknown as Schema;
  const open = { ...structuredClone(document), $id: DOCUMENT_URI } as unknown as Schema;
  const cache = new Map<Json, Validator>();
  const validate = (schema: Json, value: unknown, isOpen = false) => {
    let validator = cache.get(schema);
    if (!validator) {
      validator = new Validator(absolute(schema) as Schema, "2020-12", false);
      validator.addSchema(isOpen ? open : strict);
      cache.set(schema, validator);
    }
    const result = validator.validate(value);
    return result.valid ? [] : result.errors.map((error) => `${error.instanceLocation}: ${error.error}`);
  };
  const strictDocument = strict as unknown as Document;
  const operations = Object.entries(strictDocument.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
      operation,
    })),
  );
  return { document: strictDocument, operations, validate };
}

const resolve = <T>(document: Document, node: Json): T => {
  const reference = node.$ref;
  if (typeof reference !== "string") return node as T;
  const [, kind, name] = reference.split("/").slice(1);
  return document.components[kind as string]?.[name as string] as T;
};

/** A header or query value read as its schema's type. */
function typed(schema: Json, value: string): unknown {
  if (schema.type === "integer" || schema.type === "number")
    return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (schema.type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  return value;
}

const mediaOf = (contentType: string | null) => contentType?.split(";")[0]?.trim().toLowerCase() ?? "";

function contentFor(content: MediaContent | undefined, media: string) {
  if (!content) return undefined;
  return content[media] ?? content[`${media.split("/")[0]}/*`];
}

/** Checks one exchange; throws with every problem found. */
export async function checkExchange(request: Request, response: Response): Promise<void> {
  contract ??= load();
  const { document, operations, validate } = await contract;
  const url = new URL(request.url);
  const method = request.method === "HEAD" ? "GET" : request.method;
  if (UNDOCUMENTED.some((pattern) => pattern.test(url.pathname))) return;
  const problems: string[] = [];
  const match = operations.find((entry) => entry.method === method && entry.pattern.test(url.pathname));
  const where = match
    ? `${match.operation.operationId} (${request.method} ${url.pathname})`
    : `${request.method} ${url.pathname}`;
  if (!match) {
    // No operation: the router's answer (404, 405, OPTIONS 204) in the one error shape.
    if (![404, 405, 204].includes(response.status))
      problems.push(`no operation, yet status ${response.status}`);
    if (response.status !== 204) problems.push(...validate(ERROR, await response.json()));
  } else {
    const spec = match.operation.responses[String(response.status)];
    if (!spec) {
      problems.push(
        `status ${response.status} is not documented (documented: ${Object.keys(match.operation.responses).join(", ")})`,
      );
    } else {
      const declared = new Map<string, Header>();
      for (const [name, header] of Object.entries(spec.headers ?? {}))
        declared.set(name.toLowerCase(), resolve<Header>(document, header));
      for (const [name, header] of declared) {
        const value = response.headers.get(name);
        if (value === null) {
          if (header.required) problems.push(`required header ${name} missing`);
          continue;
        }
        for (const problem of validate(header.schema, typed(header.schema, value)))
          problems.push(`header ${name}: ${value}: ${problem}`);
      }
      for (const name of API_HEADERS)
        if (response.headers.has(name) && !declared.has(name))
          problems.push(`header ${name} is sent but not declared`);
      const media = mediaOf(response.headers.get("Content-Type"));
      const body = response.status === 304 || request.method === "HEAD" ? "" : await textOf(response, media);
      if (spec.content && body !== "") {
        const entry = contentFor(spec.content, media);
        if (!entry) problems.push(`content type ${media} is not documented`);
        else if (entry.schema && media.endsWith("json")) {
          const parsed = JSON.parse(body);
          for (const problem of validate(entry.schema, parsed)) problems.push(`body ${problem}`);
        }
      } else if (!spec.content && body !== "" && response.status !== 206) {
        problems.push(`a body is sent but none is documented`);
      }
    }
    if (response.status >= 200 && response.status < 300)
      problems.push(...(await checkAcceptedRequest(document, match.operation, request, validate)));
  }
  if (problems.length > 0)
    throw new Error(`OpenAPI contract: ${where} → ${response.status}\n  ${problems.join("\n  ")}`);
}

/** A body as text; an image's bytes one character each (only whether it is there matters). */
const textOf = async (message: Request | Response, media: string) =>
  media.startsWith("image/") ? new TextDecoder("latin1").decode(await message.arrayBuffer()) : message.text();

/**
 * Names and identifiers (SKUs, tags, option names and values) count their length as stored,
 * trimmed (and identifiers in NFC), which JSON Schema cannot say: a copy of the value with each
 * string the document found too long trimmed and in NFC.
 */
function tooLongTrimmed(value: unknown, problems: string[]): unknown {
  const copy = structuredClone(value);
  for (const problem of problems) {
    const pointer = /^#(\/[^:]*): String is too long/.exec(problem)?.[1];
    if (!pointer) continue;
    const keys = pointer
      .slice(1)
      .split("/")
      .map((key) => key.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop() as string;
    let parent = copy as Record<string, unknown>;
    for (const key of keys) parent = parent[key] as Record<string, unknown>;
    if (typeof parent[last] === "string") parent[last] = (parent[last] as string).trim().normalize("NFC");
  }
  return copy;
}

/** A request the server accepted must be valid by the document. */
async function checkAcceptedRequest(
  document: Document,
  operation: Operation,
  request: Request,
  validate: Contract["validate"],
): Promise<string[]> {
  const problems: string[] = [];
  const url = new URL(request.url);
  const parameters = (operation.parameters ?? []).map((parameter) => resolve<Parameter>(document, parameter));
  for (const parameter of parameters) {
    const value =
      parameter.in === "query"
        ? url.searchParams.get(parameter.name)
        : parameter.in === "header"
          ? request.headers.get(parameter.name)
          : null;
    if (value === null) {
      if (parameter.required && parameter.in !== "path")
        problems.push(`request: required ${parameter.in} ${parameter.name} missing`);
      continue;
    }
    for (const problem of validate(parameter.schema, typed(parameter.schema, value), true))
      problems.push(`request ${parameter.in} ${parameter.name}=${value}: ${problem}`);
  }
  for (const name of url.searchParams.keys())
    if (!parameters.some((parameter) => parameter.in === "query" && parameter.name === name))
      problems.push(`request: query parameter ${name} is not documented`);
  const media = mediaOf(request.headers.get("Content-Type"));
  const text = request.body ? await textOf(request, media) : "";
  if (!operation.requestBody) {
    if (text !== "") problems.push("request: a body was accepted but none is documented");
  } else if (text === "") {
    if (operation.requestBody.required) problems.push("request: no body, yet the document requires one");
  } else {
    const entry = contentFor(operation.requestBody.content, media);
    if (!entry) problems.push(`request: content type ${media} is not documented`);
    else if (entry.schema && media.endsWith("json")) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text.replace(/^\uFEFF/, ""));
      } catch {
        return problems;
      }
      const found = validate(entry.schema, parsed, true);
      const remaining = found.length > 0 ? validate(entry.schema, tooLongTrimmed(parsed, found), true) : [];
      for (const problem of remaining) problems.push(`request body ${problem}`);
    }
  }
  return problems;
}

/** What the document says of a value by one of its schemas (`#/components/schemas/…`), as a request would be read. */
export async function schemaErrors(reference: string, value: unknown): Promise<string[]> {
  contract ??= load();
  const { validate } = await contract;
  let schema = references.get(reference);
  if (!schema) {
    schema = { $ref: reference };
    references.set(reference, schema);
  }
  return validate(schema, value, true);
}
