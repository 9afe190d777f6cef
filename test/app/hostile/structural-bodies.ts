// The request generator for bodies that are not what a JSON schema sees (structuralBodies): number
// spellings JSON lacks, 10,000 items and 10,000 levels of nesting, duplicate keys, a BOM, invalid
// UTF-8, bodies at and past 1 MiB, wrong, missing and variant content types, empty, truncated and
// non-object bodies, and keys named like prototype properties.

import { errorKey, expect2xx, expectKey, failureFields, is2xx, refused, refused400 } from "./checks";
import { ARRAY_10K, INVALID_UTF8, MARK, MiB, WRONG_TYPES } from "./corpus";
import type { Req } from "./harness";
import { allPaths, concat, getAt, type Path, raw, setAt, toJson, utf8 } from "./json";
import { bodyOps, createOp, request } from "./operations";
import { productBody } from "./products";

/** Bodies that are not what a JSON schema sees: syntax, encodings, sizes, media types, key names. */
export function structuralBodies(): Req[] {
  const reqs: Req[] = [];
  for (const op of bodyOps) {
    const template = () => op.body?.() ?? {};
    const first = Object.keys(template() as object)[0] as string;
    const stringPath = allPaths(template()).find(
      (path) => typeof getAt(template(), path) === "string",
    ) as Path;
    const add = (kind: string, extra: Partial<Req>) => reqs.push(request(op, kind, extra));

    for (const spelling of ["NaN", "-NaN", "Infinity", "-Infinity", "+1", "01", ".5", "0x10", "undefined"]) {
      add(`raw_${spelling}`, {
        body: toJson(setAt(template(), [first], raw(spelling))),
        check: expectKey(400, "invalid_json"),
      });
    }
    add("array_10000_body", { body: JSON.stringify(ARRAY_10K), check: refused400 });
    add("nested_10000_body", { body: `${"[".repeat(10_000)}${"]".repeat(10_000)}`, check: refused400 });
    add("nested_10000_field", {
      body: toJson(setAt(template(), [first], raw(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`))),
      check: refused400,
    });
    add("nested_10000_array_field", {
      body: toJson(setAt(template(), [first], raw(`${"[".repeat(10_000)}${"]".repeat(10_000)}`))),
      check: refused400,
    });
    const whole = toJson(template());
    add("duplicate_keys", {
      body: `{${JSON.stringify(first)}:${toJson(getAt(template(), [first]) ?? null)},${whole.slice(1)}`,
    });
    add("duplicate_keys_conflicting", {
      body: `{${JSON.stringify(first)}:{"x":[1]},${toJson(template()).slice(1)}`,
    });
    add("utf8_bom", { body: concat(new Uint8Array([0xef, 0xbb, 0xbf]), utf8(toJson(template()))) });
    for (const [label, bytes] of INVALID_UTF8) {
      const [head, tail] = toJson(setAt(template(), stringPath, `a${MARK}b`)).split(
        toJson(MARK).slice(1, -1),
      );
      add(`invalid_utf8_${label}`, {
        body: concat(utf8(head ?? ""), new Uint8Array(bytes), utf8(tail ?? "")),
        check: expectKey(400, "invalid_json"),
      });
    }
    const padded = (size: number) => {
      const text = utf8(toJson(template()));
      return concat(text, utf8(" ".repeat(size - text.length)));
    };
    add("body_exactly_1MiB", { body: padded(MiB), check: expect2xx });
    add("body_1MiB_plus_1", { body: padded(MiB + 1), check: expectKey(413, "payload_too_large") });
    for (const type of WRONG_TYPES) {
      add("wrong_content_type", {
        body: toJson(template()),
        contentType: type,
        check: expectKey(415, "unsupported_media_type"),
      });
    }
    add("missing_content_type", {
      body: toJson(template()),
      contentType: null,
      check: expectKey(415, "unsupported_media_type"),
    });
    if (!op.mediaTypes?.includes("application/merge-patch+json")) {
      add("wrong_content_type", {
        body: toJson(template()),
        contentType: "application/merge-patch+json",
        check: expectKey(415, "unsupported_media_type"),
      });
    }
    for (const type of ["application/json; charset=utf-8", "Application/JSON"]) {
      add("content_type_variant", { body: toJson(template()), contentType: type, check: expect2xx });
    }
    add("image_content_type_json_bytes", {
      body: toJson(template()),
      contentType: "image/png",
      check: refused,
    });
    add("empty_body", { body: "", check: expectKey(400, "invalid_json") });
    add("whitespace_body", { body: "  \n ", check: expectKey(400, "invalid_json") });
    add("truncated_body", { body: toJson(template()).slice(0, -1), check: expectKey(400, "invalid_json") });
    for (const value of ["null", "[]", '"a string"', "42", "true", "[{}]"]) {
      add("not_an_object_body", { body: value, check: refused400 });
    }
    for (const name of ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"]) {
      add("prototype_key", {
        body: `{${JSON.stringify(name)}:{"polluted":true},${toJson(template()).slice(1)}`,
        check: (result) => {
          if (result.status !== 400 || errorKey(result) !== "invalid_data")
            return `unknown field '${name}' not refused`;
          const fields = failureFields(result);
          return fields.includes(name) ? undefined : `failures ${fields} do not name '${name}'`;
        },
      });
    }
  }
  // Free-form props: a key named like a prototype property is refused naming it, or stored and read
  // back; never dropped in silence.
  for (const name of ["__proto__", "constructor"]) {
    reqs.push(
      request(createOp, "prototype_key_in_props", {
        body: toJson(
          setAt(productBody(), ["props"], raw(`{${JSON.stringify(name)}:{"polluted":true},"b":1}`)),
        ),
        check: (result) => {
          if (!is2xx(result)) {
            return errorKey(result) === "invalid_data" && failureFields(result).includes(`props.${name}`)
              ? undefined
              : `props with a '${name}' key refused without naming props.${name}`;
          }
          const props = (result.json as { props?: Record<string, unknown> }).props ?? {};
          return Object.keys(props).includes(name)
            ? undefined
            : `props key '${name}' dropped: ${JSON.stringify(props)}`;
        },
      }),
    );
  }
  return reqs;
}
