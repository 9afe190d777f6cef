// npm run bench:webhooks: the time from a product write's answer (its events are committed by then)
// to the signed delivery at a local receiver, under `wrangler dev` (local queues). Sequential
// creates, one endpoint subscribed to product.created; prints the median, p90 and max.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, migrate, startWorker } from "../scripts/local.mjs";

/**
 * @import { AddressInfo } from "node:net"
 * @import { ApiEvent, ApiEventPage, ApiKeyCreated, ApiOrg, ApiProduct } from "../scripts/local.mjs"
 */

const COUNT = Number(process.env.WEBHOOK_BENCH_COUNT ?? 30);
const ADMIN_TOKEN = "webhook-bench-token";
/** @type {Map<string | string[] | undefined, number>} webhook-id → when it arrived */
const arrived = new Map();
const receiver = createServer((request, response) => {
  const id = request.headers["webhook-id"];
  request.resume();
  request.on("end", () => {
    arrived.set(id, performance.now());
    response.end("ok");
  });
});
await /** @type {Promise<void>} */ (new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve)));
const receiverPort = /** @type {AddressInfo} */ (receiver.address()).port;

const persistTo = mkdtempSync(join(tmpdir(), "products-api-webhooks-"));
migrate(persistTo);
const worker = await startWorker({
  port: 8797,
  persistTo,
  vars: { ADMIN_TOKEN, IMAGE_FETCH_ALLOWED_HOSTS: `127.0.0.1:${receiverPort}` },
  stdio: ["ignore", "ignore", "inherit"],
});
try {
  const org = await call(worker.base, "/v1/admin/orgs", {
    token: ADMIN_TOKEN,
    body: { name: "Webhook bench" },
  });
  const key = await call(worker.base, "/v1/admin/api_keys", {
    token: ADMIN_TOKEN,
    body: {
      name: "bench",
      org_ids: [/** @type {ApiOrg} */ (org.body).id],
      type: "secret",
      scopes: ["product.edit", "webhook.manage"],
    },
  });
  const endpoint = await call(worker.base, "/v1/webhook_endpoints", {
    token: /** @type {ApiKeyCreated} */ (key.body).key,
    body: { url: `http://127.0.0.1:${receiverPort}/hook`, events: ["product.created"] },
  });
  if (endpoint.status !== 201) throw new Error(JSON.stringify(endpoint.body));
  /** @type {number[]} */
  const latencies = [];
  for (let index = 0; index < COUNT; index++) {
    const created = await call(worker.base, "/v1/products", {
      token: /** @type {ApiKeyCreated} */ (key.body).key,
      body: { name: `Item ${index}` },
    });
    const answered = performance.now();
    const events = await call(worker.base, "/v1/events?limit=1&type=product.created", {
      token: /** @type {ApiKeyCreated} */ (key.body).key,
    });
    // the newest product.created: this create's (checked)
    const event = /** @type {ApiEvent} */ (/** @type {ApiEventPage} */ (events.body).data[0]);
    const eventId = event.id;
    if (event.data.object.id !== /** @type {ApiProduct} */ (created.body).id)
      throw new Error("unexpected event");
    while (!arrived.has(eventId)) await new Promise((resolve) => setTimeout(resolve, 5));
    latencies.push(/** @type {number} */ (arrived.get(eventId)) - answered);
  }
  latencies.sort((a, b) => a - b);
  /** @param {number} p */
  const at = (p) =>
    /** @type {number} */ (
      latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]
    ).toFixed(0);
  console.log(
    `webhooks: ${COUNT} creates, commit → delivery p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`,
  );
} finally {
  process.kill(-(/** @type {number} */ (worker.child.pid)), "SIGTERM");
  receiver.close();
  rmSync(persistTo, { recursive: true, force: true });
}
