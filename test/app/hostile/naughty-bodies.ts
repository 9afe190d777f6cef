// The request generators that put hostile values inside well-formed JSON bodies: every naughty string
// in every string field of every write body (naughtyBodies), a sample of them one field at a time
// where they may reach the handler (perFieldBodies), and type confusion in every field (confusionBodies).

import { failureFields, is2xx, refused, rulesFailing, textCheck } from "./checks";
import { confusionsFor, mustRefuse, NAUGHTY, SAMPLE } from "./corpus";
import type { Req } from "./harness";
import { allPaths, allStrings, getAt, type Json, type Path, pathName, setAt, setIn, toJson } from "./json";
import { bodyOps, createOp, opById, productPath, request } from "./operations";
import { state } from "./state";

/**
 * Every naughty string reaches every string field of every write body, one request per string per
 * operation: all string fields at once ("all"), or the free-text fields with their rules as the
 * oracle ("text", which also reaches the handler and D1), or ten at a time in a list ("list").
 * The other of "all" and "text" runs over the sample.
 */
export function naughtyBodies(): Req[] {
  const reqs: Req[] = [];
  for (const op of bodyOps) {
    // A text body that is not all of the body's string fields: the whole body too, for the sample.
    const textIsAll =
      op.text &&
      allPaths(op.body?.() ?? {}).every((path) => {
        const value = getAt(op.body?.() ?? {}, path);
        return (
          typeof value !== "string" ||
          op.text?.fields.some((field) => pathName(field.path) === pathName(path))
        );
      });
    const allFields = op.naughty === "all" ? NAUGHTY : op.text && !textIsAll ? SAMPLE : [];
    for (const text of allFields) {
      reqs.push(request(op, "naughty_all_fields", { body: toJson(allStrings(op.body?.() ?? {}, text)) }));
    }
    if (op.text) {
      const { fields, body, stored, path } = op.text;
      (op.naughty === "text" ? NAUGHTY : SAMPLE).forEach((text, i) => {
        reqs.push(
          request(op, "naughty_text_fields", {
            path: path?.(i) ?? op.path(),
            body: toJson(body(text)),
            check: textCheck(fields, text, stored && ((result) => stored(text, result))),
            onResult: (result) => {
              if (op === createOp && result.status === 201) {
                state.roundTrips.push({ id: String((result.json as { id: string }).id), text });
              }
            },
          }),
        );
      });
    }
    if (op.naughty === "list") {
      // image_urls takes 10: ten strings a request, each judged on its own.
      for (let start = 0; start < NAUGHTY.length; start += 10) {
        const texts = NAUGHTY.slice(start, start + 10);
        const want = texts
          .flatMap((text, i) => rulesFailing([{ path: ["image_urls", i], min: 1, max: 2048 }], text))
          .sort();
        reqs.push(
          request(op, "naughty_text_fields", {
            body: toJson({ image_urls: texts }),
            check: (result) => {
              if (want.length === 0) return is2xx(result) ? undefined : "refused strings the rules allow";
              return JSON.stringify(failureFields(result)) === JSON.stringify(want)
                ? undefined
                : `expected invalid_data on ${want}`;
            },
          }),
        );
      }
    }
  }
  return reqs;
}

type Mutation = [label: string, mutate: (body: Record<string, Json>, text: string) => void];
const at = (path: Path): Mutation => [pathName(path), (body, text) => setIn(body, path, text)];

/**
 * The string fields of each body where a naughty string may pass the schema and reach the handler
 * (identifiers, codes, keys, URLs), one at a time; the free-text fields get every string in the
 * naughty pass, and every string reaches every field in the "all" bodies.
 */
const PER_FIELD: Record<string, Mutation[]> = {
  "POST /v1/products": [
    at(["sku"]),
    at(["default_locale"]),
    at(["destination", "url"]),
    at(["related_product_ids", 0]),
    at(["variants", 0, "sku"]),
    at(["image_urls", 0]),
    ["localizations.<key>", (body, text) => (body.localizations = { [text]: { name: "Name" } })],
    ["props.<key>", (body, text) => (body.props = { [text]: 1 })],
    [
      "options[0].name (and the variant's key)",
      (body, text) => {
        setIn(body, ["options", 0, "name"], text);
        setIn(body, ["variants", 0, "options"], { [text]: "S" });
      },
    ],
    [
      "options[0].values[0] (and the variant's value)",
      (body, text) => {
        setIn(body, ["options", 0, "values", 0], text);
        setIn(body, ["variants", 0, "options", "Size"], text);
      },
    ],
  ],
  "POST /v1/webhook_endpoints": [at(["url"]), at(["description"])],
  "POST /v1/admin/api_keys": [at(["name"]), at(["org_ids", 0])],
};

/** A sample of naughty strings, one field at a time. */
export function perFieldBodies(): Req[] {
  const reqs: Req[] = [];
  for (const [id, mutations] of Object.entries(PER_FIELD)) {
    const op = opById(id);
    for (const text of SAMPLE) {
      for (const [label, mutate] of mutations) {
        const body = op.body?.() as Record<string, Json>;
        mutate(body, text);
        reqs.push(request(op, "naughty_per_field", { body: toJson(body), note: label }));
      }
    }
  }
  return reqs;
}

/**
 * Type confusion in every field of every body: numbers as strings, strings as numbers, huge and
 * fractional numbers, NaN and Infinity spelled as strings, null, the wrong container, 10,000 items.
 * PATCH: each top-level field alone (a merge patch); PUT has create's schema and handler path for
 * validation, and gets the naughty, structural and header inputs.
 */
export function confusionBodies(): Req[] {
  const reqs: Req[] = [];
  for (const op of bodyOps.filter((o) => o.id !== "PUT /v1/products/{id}")) {
    const isPatch = op.id === "PATCH /v1/products/{id}";
    const template = op.body?.() ?? {};
    const paths = isPatch ? Object.keys(template as object).map((key) => [key]) : allPaths(template);
    for (const path of paths) {
      const valid = getAt(template, path);
      for (const confusion of confusionsFor(valid, path)) {
        const body = isPatch
          ? setAt({}, path, confusion.value)
          : setAt(op.body?.() ?? {}, path, confusion.value);
        const stringAllowed =
          confusion.kind === "string" && path.length === 1 && op.alsoString?.includes(String(path[0]));
        const mustFail = mustRefuse(valid, path, confusion) && !stringAllowed;
        reqs.push(
          request(op, `confusion_${confusion.label}`, {
            path: isPatch ? productPath(state.fx.patchField) : op.path(),
            body: toJson(body),
            note: pathName(path),
            check: mustFail
              ? (result) =>
                  refused(result) ? `${refused(result)}: ${pathName(path)} = ${confusion.label}` : undefined
              : undefined,
          }),
        );
      }
    }
  }
  return reqs;
}
