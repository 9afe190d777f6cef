// npm run bench:webhooks: the time from a product write's answer (its events are committed by then)
// to the signed delivery at a local receiver, under `wrangler dev` (local queues). Sequential
// creates, one endpoint subscribed to product.created; prints the median, p90 and max.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, migrate, startWorker } from "../scripts/local.mjs";

const COUNT = Number(process.env.WEBHOOK_BENCH_COUNT ?? 30);
const ADMIN_TOKEN = "webhook-bench-token";
const arrived = new Map();
const receiver = createServer((request, response) => {
  const id = request.headers["webhook-id"];
  request.resume();
  request.on("end", () => {
    arrived.set(id, performance.now());
    response.end("ok");
  });
});
await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
const receiverPort = receiver.address().port;

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
      org_ids: [org.body.id],
      type: "secret",
      scopes: ["product.edit", "webhook.manage"],
    },
  });
  const endpoint = await call(worker.base, "/v1/webhook_endpoints", {
    token: key.body.key,
    body: { url: `http://127.0.0.1:${receiverPort}/hook`, events: ["product.created"] },
  });
  if (endpoint.status !== 201) throw new Error(JSON.stringify(endpoint.body));
  const latencies = [];
  for (let index = 0; index < COUNT; index++) {
    const created = await call(worker.base, "/v1/products", {
      token: key.body.key,
      body: { name: `Item ${index}` },
    });
    const answered = performance.now();
    const events = await call(worker.base, "/v1/events?limit=1&type=product.created", {
      token: key.body.key,
    });
    const eventId = events.body.data[0].id;
    if (events.body.data[0].data.object.id !== created.body.id) throw new Error("unexpected event");
    while (!arrived.has(eventId)) await new Promise((resolve) => setTimeout(resolve, 5));
    latencies.push(arrived.get(eventId) - answered);
  }
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)].toFixed(0);
  console.log(
    `webhooks: ${COUNT} creates, commit → delivery p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`,
  );
} finally {
  process.kill(-worker.child.pid, "SIGTERM");
  receiver.close();
  rmSync(persistTo, { recursive: true, force: true });
}
