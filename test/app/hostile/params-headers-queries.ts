// The request generators outside the body: naughty strings in the path parameters
// (pathParamRequests), 16 KB headers on one request of an operation (bigHeaders, headerRequest), and
// oversized, unknown and naughty query strings on the list endpoints and every write (queryRequests).

import { type Check, errorKey, expectKey, failureFields, is2xx } from "./checks";
import { BIG_HEADER, BIG_QUERY, FTS_STRINGS, PATH_SAMPLE, SAMPLE } from "./corpus";
import type { Req } from "./harness";
import { toJson } from "./json";
import { OPS, type Op, request } from "./operations";

/** Naughty strings in the path parameters of every operation that has them: never a 2xx. */
export function pathParamRequests(): Req[] {
  const reqs: Req[] = [];
  for (const op of OPS.filter((o) => o.paramPaths)) {
    for (const text of PATH_SAMPLE) {
      let paths: string[];
      try {
        paths = op.paramPaths?.(text) ?? [];
      } catch {
        continue; // a lone surrogate cannot be put in a URL
      }
      for (const path of paths) {
        reqs.push(
          request(op, "naughty_path_param", {
            path,
            body: op.body ? toJson(op.body()) : undefined,
            check: (result) => (is2xx(result) ? "a naughty id matched a resource" : undefined),
          }),
        );
      }
    }
  }
  return reqs;
}

export const bigHeaders = (): [string, string][] => [
  ["Authorization", `Bearer sk_${"a".repeat(BIG_HEADER)}`],
  ["Org-Id", `org_${"A".repeat(BIG_HEADER)}`],
  ["API-Version", `2026-11-01${"x".repeat(BIG_HEADER)}`],
  ["Idempotency-Key", "k".repeat(BIG_HEADER)],
  ["If-Match", Array.from({ length: BIG_HEADER / 10 }, (_, i) => `"${900000 + i}"`).join(", ")],
  ["X-Hostile", "h".repeat(BIG_HEADER)],
];

/** A 16 KB header on one request of an operation (`path`: for a DELETE, a fresh victim). */
export function headerRequest(op: Op, name: string, value: string, path: string): Req {
  let check: Check | undefined;
  if (name === "Authorization") check = expectKey(401, "unauthorized");
  if (name === "Org-Id" && !op.admin) check = expectKey(403, "forbidden");
  if (name === "API-Version") check = expectKey(400, "unsupported_api_version");
  if (name === "Idempotency-Key" && op.idempotency) check = expectKey(400, "invalid_idempotency_key");
  if (name === "If-Match" && op.ifMatch) check = expectKey(412, "precondition_failure");
  return request(op, `big_header_${name}`, {
    path,
    headers: { [name]: value },
    body: op.body ? toJson(op.body()) : undefined,
    check,
  });
}

export const bigQuery = (prefix: string) => {
  const parts: string[] = [];
  for (let i = 0, size = 0; size < BIG_QUERY; i++) {
    const part = `${prefix}${i}=${"v".repeat(20)}`;
    parts.push(part);
    size += part.length + 1;
  }
  return parts.join("&");
};

/** Oversized query strings on the list endpoints (unknown parameters are invalid_data) and on every write. */
export function queryRequests(): Req[] {
  const list = (path: string, kind: string, check?: Check, admin = false): Req => ({
    op: `GET ${path.split("?")[0]}`,
    kind,
    method: "GET",
    path,
    admin,
    check,
  });
  const q64 = "a".repeat(BIG_QUERY);
  const words64 = Array.from({ length: BIG_QUERY / 6 }, (_, i) => `w${i}`)
    .join(" ")
    .slice(0, BIG_QUERY);
  const invalidQuery =
    (field: string): Check =>
    (result) =>
      result.status === 400 && errorKey(result) === "invalid_data" && failureFields(result).includes(field)
        ? undefined
        : `expected invalid_data on '${field}'`;
  const reqs: Req[] = [
    list(`/v1/products?q=${q64}`, "big_query_q", invalidQuery("q")),
    list(`/v1/products?q=${encodeURIComponent(words64)}`, "big_query_q", invalidQuery("q")),
    list(`/v1/products?${bigQuery("unknown")}`, "big_query_unknown_params", expectKey(400, "invalid_data")),
    list("/v1/products?unknown=1", "unknown_param", invalidQuery("unknown")),
    list(`/v1/products?limit=${"9".repeat(400)}`, "big_query_limit", invalidQuery("limit")),
    list("/v1/products?limit=1e400", "big_query_limit", invalidQuery("limit")),
    list("/v1/products?limit=1.5", "big_query_limit", invalidQuery("limit")),
    list(`/v1/products?cursor=${q64}`, "big_query_cursor", invalidQuery("cursor")),
    list(`/v1/events?q=${q64}`, "big_query_q", invalidQuery("q")),
    list(`/v1/events?${bigQuery("unknown")}`, "big_query_unknown_params", expectKey(400, "invalid_data")),
    list(`/v1/webhook_endpoints?q=${q64}`, "big_query_q"),
    list(`/v1/webhook_endpoints?${bigQuery("unknown")}`, "big_query_unknown_params"),
    list(`/v1/storefront/products?q=${q64}`, "big_query_q"),
    list(`/v1/storefront/products?${bigQuery("unknown")}`, "big_query_unknown_params"),
    list(`/v1/admin/orgs?q=${q64}`, "big_query_q", undefined, true),
    list(`/v1/admin/orgs?${bigQuery("unknown")}`, "big_query_unknown_params", undefined, true),
  ];
  // Naughty strings and full-text syntax in the filters: documented answers, never a 5xx.
  for (const text of [...SAMPLE, ...FTS_STRINGS]) {
    let query: string;
    try {
      query = encodeURIComponent(text);
    } catch {
      continue; // a lone surrogate
    }
    reqs.push(list(`/v1/products?q=${query}`, "naughty_query_q"));
    reqs.push(list(`/v1/products?tag=${query}&sku=${query}&gtin=${query}`, "naughty_query_filters"));
  }
  for (const op of OPS.filter((o) => !o.victim)) {
    reqs.push(
      request(op, "big_query_on_write", {
        path: `${op.path()}?${bigQuery("x")}`,
        body: op.body ? toJson(op.body()) : undefined,
      }),
    );
  }
  return reqs;
}
