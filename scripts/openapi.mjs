// Writes the OpenAPI document the Worker serves to the file named on the command line, by
// calling the bundle that `wrangler deploy --dry-run --outdir dist` built (no runtime needed:
// /openapi.json touches no binding).
import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [bundle = "dist/index.js", out = "dist/openapi.json"] = process.argv.slice(2);
/** The Worker's default export: only `fetch` is called, with no bindings. */
const worker = /** @type {{ fetch(request: Request, env: object, ctx: object): Promise<Response> }} */ (
  (await import(pathToFileURL(bundle).href)).default
);
// The Worker logs a line per request; this one is not worth showing.
const log = console.log;
console.log = () => {};
const response = await worker.fetch(
  new Request("http://localhost/openapi.json"),
  {},
  { waitUntil() {}, passThroughOnException() {} },
);
console.log = log;
if (response.status !== 200)
  throw new Error(`/openapi.json answered ${response.status}: ${await response.text()}`);
writeFileSync(out, await response.text());
console.log(`Wrote ${out}`);
