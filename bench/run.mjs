// npm run bench [-- --quick]: load-tests the Worker under local workerd (Miniflare) at several
// catalogue sizes, compares it with a minimal Fastify + node:sqlite peer, measures the bundle, and
// writes bench/results.json. See bench/README.md.
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleSize, startupTime } from "./lib/bundle.mjs";
import {
  COMMON_TAG,
  products,
  RICH_COUNT,
  RICH_LOCALIZATIONS,
  RICH_TAG,
  RICH_VARIANTS,
  richProduct,
  SEARCH_WORD,
} from "./lib/catalog.mjs";
import { PNG, startImageOrigin } from "./lib/image-origin.mjs";
import { header, runScenario } from "./lib/load.mjs";
import { ROOT } from "./lib/proc.mjs";
import { fixed, int, seconds, table } from "./lib/report.mjs";
import {
  applyMigrations,
  buildBundle,
  createOrgAndKey,
  readWranglerConfig,
  seedD1,
  startWorker,
} from "./lib/worker.mjs";

const PEER = fileURLToPath(new URL("./peer/server.mjs", import.meta.url));
const RESULTS = fileURLToPath(new URL("./results.json", import.meta.url));
const SEED = 20261123;
const LIST_LIMIT = 20;

const USAGE = `usage: npm run bench [-- --quick]
  --quick            sizes 1000,10000 and 2 s per scenario
env: BENCH_SIZES=1000,100000  BENCH_DURATION=5 (s)  BENCH_CONNECTIONS=10  BENCH_WARMUP=1 (s)`;

const usage = (message) => Object.assign(new Error(message), { usage: true });

function options() {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  const unknown = args.filter((arg) => arg !== "--quick");
  if (unknown.length > 0) throw usage(`unknown argument ${unknown.join(" ")}\n${USAGE}`);
  const quick = args.includes("--quick");
  const number = (name, fallback, { zero = false } = {}) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero)) {
      throw usage(`${name} must be a ${zero ? "non-negative" : "positive"} number`);
    }
    return value;
  };
  const sizes = (process.env.BENCH_SIZES ?? (quick ? "1000,10000" : "1000,100000"))
    .split(",")
    .map((size) => Number(size.trim()));
  // below ~1000 products the search word may match nothing, and a page of 20 filtered products may not exist
  if (sizes.some((size) => !Number.isInteger(size) || size < 1000)) {
    throw usage("BENCH_SIZES must be integers ≥ 1000, comma-separated");
  }
  return {
    mode: quick ? "quick" : "default",
    sizes,
    duration: number("BENCH_DURATION", quick ? 2 : 5),
    connections: Math.round(number("BENCH_CONNECTIONS", 10)),
    warmup: number("BENCH_WARMUP", quick ? 0.5 : 1, { zero: true }),
  };
}

const log = (message) => process.stderr.write(`[bench] ${message}\n`);

const sizeLabel = (size) =>
  size >= 1_000_000 && size % 1_000_000 === 0
    ? `${size / 1_000_000}M`
    : size >= 1000 && size % 1000 === 0
      ? `${size / 1000}k`
      : String(size);

function gcd(a, b) {
  return b === 0 ? a : gcd(b, a % b);
}

/** A cursor over `ids` that visits them all in a scattered order (a stride coprime to the length). */
function rotation(ids, offset) {
  let stride = Math.max(1, Math.floor(ids.length * 0.618)) | 1;
  while (gcd(stride, ids.length) !== 1) stride += 2;
  let index = 0;
  return () => ids[(offset + index++ * stride) % ids.length];
}

/** Uploads the 7 × 5 PNG once for the image scenario. */
async function uploadImage(url, key, productId) {
  const response = await fetch(`${url}/v1/products/${productId}/images`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "image/png" },
    body: Buffer.from(PNG, "base64"),
  });
  if (response.status !== 200)
    throw new Error(`image upload answered ${response.status}: ${await response.text()}`);
  return (await response.json()).images[0].id;
}

/** A product as made by richProduct: every variant with its id, every localization with its slug. */
const isRich = (product) =>
  product?.object === "product" &&
  product.variants?.length === RICH_VARIANTS &&
  product.variants.every((variant) => typeof variant.id === "string") &&
  Object.keys(product.localizations ?? {}).length === RICH_LOCALIZATIONS &&
  Object.values(product.localizations).every((localization) => typeof localization.slug === "string");

/** Creates the rich products through the API, one at a time, each checked; returns their ids. */
async function createRichProducts(url, key) {
  const ids = [];
  for (let index = 0; index < RICH_COUNT; index++) {
    const response = await fetch(`${url}/v1/products`, {
      method: "POST",
      headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
      body: JSON.stringify(richProduct(index)),
    });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      // reported below
    }
    if (response.status !== 201 || !isRich(body)) {
      throw new Error(
        `rich product ${index + 1}: POST /v1/products → ${response.status}, not 201 with ${RICH_VARIANTS} variants and ${RICH_LOCALIZATIONS} localizations: ${text.slice(0, 400)}`,
      );
    }
    ids.push(body.id);
  }
  return ids;
}

/** The first page of what shoppers see (up to 100 products), each with its storefront ETag. */
async function storefrontSample(url, publishableKey) {
  const headers = { Authorization: `Bearer ${publishableKey}` };
  const page = await (await fetch(`${url}/v1/storefront/products?limit=100`, { headers })).json();
  if (!Array.isArray(page.data) || page.data.length === 0) throw new Error("the storefront shows no product");
  const sample = [];
  for (const product of page.data) {
    const response = await fetch(`${url}/v1/storefront/products/${product.id}`, { headers });
    await response.arrayBuffer();
    sample.push({ id: product.id, slug: product.slug, etag: response.headers.get("etag") });
  }
  return sample;
}

/** The product the adjustment scenarios change: stock tracked per product, backorders allowed. */
async function createStockProduct(url, key) {
  const response = await fetch(`${url}/v1/products`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      name: "Benchmark stock",
      inventory: { tracking: "product", quantity: 0, allow_backorder: true },
    }),
  });
  if (response.status !== 201)
    throw new Error(`creating the stock product: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}

function scenarios(stack, { ids, key, publishableKey, url, imageId, stockId, imageUrls, createRich }) {
  const auth = { Authorization: `Bearer ${key}` };
  const nextGet = rotation(ids, 0);
  const isPage = (body) => body.object === "list" && Array.isArray(body.data);
  const list = [
    { name: "health", path: "/health", noDb: true },
    {
      name: "get-by-id",
      path: `/v1/products/${ids[0]}`,
      label: "/v1/products/{id}",
      headers: auth,
      setup: (req) => ({ ...req, path: `/v1/products/${nextGet()}` }),
      expect: (body) => body.object === "product" && ids.includes(body.id),
    },
    {
      name: "list",
      path: `/v1/products?limit=${LIST_LIMIT}`,
      headers: auth,
      expect: (body) => isPage(body) && body.data.length === LIST_LIMIT && body.has_more === true,
    },
  ];
  if (stack === "peer") return list;

  const nextPatch = rotation(ids, Math.floor(ids.length / 2));
  let richIds = [];
  let nextRich;
  const versions = new Map();
  let created = 0;
  let patched = 0;
  let replaced = 0;
  let nextRichIndex;
  // imageUrls: fetched by the Worker into R2; every one must become an image, none may fail
  const create = (name, { idempotent = false, imageUrls } = {}) => ({
    name,
    method: "POST",
    path: "/v1/products",
    label: idempotent
      ? "/v1/products (Idempotency-Key)"
      : imageUrls
        ? `/v1/products (${imageUrls.length} image_urls)`
        : undefined,
    headers: { ...auth, "Content-Type": "application/json" },
    probeStatus: 201,
    setup: (req) => ({
      ...req,
      headers: idempotent
        ? { ...req.headers, "Idempotency-Key": `bench-${process.pid}-${created + 1}` }
        : req.headers,
      body: JSON.stringify({
        name: `Benchmark item ${++created}`,
        prices: [
          { currency: "EUR", amount: 1299 },
          { currency: "USD", amount: 1499 },
        ],
        image_urls: imageUrls,
      }),
    }),
    expect: (body) =>
      body.object === "product" &&
      body.version === 1 &&
      (imageUrls === undefined ||
        (!("failed_image_urls" in body) &&
          body.images?.length === imageUrls.length &&
          body.images.every((image) => image.content_type === "image/png"))),
    // under load, a 201 that lists failed image URLs counts as an error
    bodyOk: imageUrls === undefined ? undefined : (body) => !body.includes('"failed_image_urls"'),
  });
  let adjusted = 0;
  // one product with its own stock (backorders allowed), +1 at a time
  const adjust = (name, { idempotent = false }) => ({
    name,
    method: "POST",
    path: `/v1/products/${stockId}/inventory_adjustments`,
    label: `/v1/products/{id}/inventory_adjustments${idempotent ? " (Idempotency-Key)" : ""}`,
    headers: { ...auth, "Content-Type": "application/json" },
    setup: (req) => ({
      ...req,
      headers: idempotent
        ? { ...req.headers, "Idempotency-Key": `bench-${process.pid}-adjust-${++adjusted}` }
        : req.headers,
      body: JSON.stringify({ delta: 1 }),
    }),
    expect: (body) => body.object === "product" && body.id === stockId,
  });
  list.push(
    {
      name: "list-filtered",
      path: `/v1/products?status=active&tag=${COMMON_TAG}`,
      headers: auth,
      expect: (body) =>
        isPage(body) &&
        body.data.length === LIST_LIMIT &&
        body.data.every((product) => product.status === "active" && product.tags.includes(COMMON_TAG)),
    },
    {
      name: "search",
      path: `/v1/products?q=${SEARCH_WORD}`,
      headers: auth,
      expect: (body) =>
        isPage(body) &&
        body.data.length > 0 &&
        body.data.every((product) => product.name.toLowerCase().includes(SEARCH_WORD)),
    },
    { name: "image", path: `/images/${imageId}`, label: "/images/{id}" },
    ...storefrontScenarios(url, publishableKey),
    {
      name: "get-rich",
      label: "/v1/products/{rich id}",
      headers: auth,
      // made only now: being the newest products, they would otherwise be the page of `list` above
      prepare: async () => {
        richIds = await createRich();
        nextRich = rotation(richIds, 0);
        nextRichIndex = rotation(
          richIds.map((_, index) => index),
          0,
        );
      },
      setup: (req) => ({ ...req, path: `/v1/products/${nextRich()}` }),
      expect: (body) => isRich(body) && richIds.includes(body.id),
    },
    {
      name: "list-rich",
      path: `/v1/products?tag=${RICH_TAG}&limit=${RICH_COUNT}`,
      headers: auth,
      expect: (body) =>
        isPage(body) &&
        body.data.length === RICH_COUNT &&
        body.data.every((product) => product.variants?.length === RICH_VARIANTS),
    },
    create("create", {}),
    // the same create with an Idempotency-Key: the middleware's cost (KV get and put, D1 claim)
    create("create-keyed", { idempotent: true }),
    adjust("adjust", {}),
    // with an Idempotency-Key: the claim, and the record that makes the adjustment apply once
    adjust("adjust-keyed", { idempotent: true }),
    {
      name: "patch",
      method: "PATCH",
      path: `/v1/products/${ids[0]}`,
      label: "/v1/products/{id} (If-Match)",
      headers: { ...auth, "Content-Type": "application/merge-patch+json" },
      // a 412 (someone else's write got there first) is counted apart, not as an error
      softStatuses: [412],
      setup: (req, context) => {
        const id = nextPatch();
        context.id = id;
        return {
          ...req,
          path: `/v1/products/${id}`,
          headers: { ...req.headers, "If-Match": `"${versions.get(id) ?? 1}"` },
          body: JSON.stringify({ description: `Patched by the benchmark, round ${++patched}.` }),
        };
      },
      onResponse: (_status, headers, context) => {
        const version = /"(\d+)"/.exec(header(headers, "etag") ?? "")?.[1];
        if (version && context.id) versions.set(context.id, Number(version));
      },
      expect: (body) => body.object === "product" && body.version >= 2,
    },
    {
      // a full replace of a rich product (50 variants, 10 locales) as a sync job sends it: every
      // field as created (no slugs, so they are picked again), the description new; If-Match as for
      // patch
      name: "put-rich",
      method: "PUT",
      path: "/v1/products/{rich id}",
      label: "/v1/products/{rich id} (If-Match)",
      headers: { ...auth, "Content-Type": "application/json" },
      softStatuses: [412],
      setup: (req, context) => {
        const index = nextRichIndex();
        const id = richIds[index];
        context.id = id;
        return {
          ...req,
          path: `/v1/products/${id}`,
          headers: { ...req.headers, "If-Match": `"${versions.get(id) ?? 1}"` },
          body: JSON.stringify({
            ...richProduct(index),
            description: `Replaced by the benchmark, round ${++replaced}.`,
          }),
        };
      },
      onResponse: (_status, headers, context) => {
        const version = /"(\d+)"/.exec(header(headers, "etag") ?? "")?.[1];
        if (version && context.id) versions.set(context.id, Number(version));
      },
      expect: (body) => isRich(body) && body.version >= 2,
    },
    // the same create with 4 image URLs on the local origin: 4 fetches (4 at once), 4 R2 puts, 4 image
    // rows; last, so that its R2 and origin traffic does not run into the scenarios measured before it
    create("create-4-images", { imageUrls }),
  );
  return list;
}

/**
 * What a browser asks of the storefront: a product (fresh, by its slug, and again with its ETag) and
 * a page in German.
 */
function storefrontScenarios(url, publishableKey) {
  const auth = { Authorization: `Bearer ${publishableKey}` };
  let sample = [];
  let next;
  const product = (req) => {
    const item = next();
    return { item, req: { ...req, path: `/v1/storefront/products/${item.id}` } };
  };
  // made just before they run, from the storefront's own first page
  return [
    {
      name: "storefront-get",
      label: "/v1/storefront/products/{id}",
      headers: auth,
      prepare: async () => {
        sample = await storefrontSample(url, publishableKey);
        next = rotation(sample, 0);
      },
      setup: (req) => product(req).req,
      expect: (body) => body.object === "product" && sample.some((item) => item.id === body.id),
    },
    {
      name: "storefront-get-slug",
      label: "/v1/storefront/products/{slug}",
      headers: auth,
      setup: (req) => {
        const { item, req: request } = product(req);
        return { ...request, path: `/v1/storefront/products/${item.slug}` };
      },
      expect: (body) => body.object === "product" && sample.some((item) => item.id === body.id),
    },
    {
      name: "storefront-get-304",
      label: "/v1/storefront/products/{id} (If-None-Match)",
      headers: auth,
      okStatuses: [304],
      probeStatus: 304,
      setup: (req) => {
        const { item, req: request } = product(req);
        return { ...request, headers: { ...request.headers, "If-None-Match": item.etag } };
      },
    },
    {
      name: "storefront-list",
      path: `/v1/storefront/products?limit=${LIST_LIMIT}`,
      label: `/v1/storefront/products?limit=${LIST_LIMIT} (Accept-Language: de)`,
      headers: { ...auth, "Accept-Language": "de-DE, de;q=0.9, en;q=0.5" },
      expect: (body) => body.object === "list" && body.data.length === LIST_LIMIT && body.has_more === true,
    },
  ];
}

/** One request like the scenario's, checked: the right status and a body that makes sense. */
async function probe(stack, base, scenario) {
  const request = {
    method: scenario.method ?? "GET",
    path: scenario.path,
    headers: { ...scenario.headers },
    body: scenario.body,
  };
  const context = {};
  const built = scenario.setup ? scenario.setup(request, context) : request;
  const response = await fetch(`${base}${built.path}`, {
    method: built.method,
    headers: built.headers,
    body: built.body,
  });
  const text = await response.text();
  const headers = Object.fromEntries(response.headers);
  scenario.onResponse?.(response.status, headers, context);
  const fail = (why) => {
    throw new Error(
      `${stack} ${scenario.name}: ${built.method} ${built.path} → ${response.status} ${why}: ${text.slice(0, 400)}`,
    );
  };
  if (
    scenario.probeStatus === undefined
      ? response.status < 200 || response.status > 299
      : response.status !== scenario.probeStatus
  ) {
    fail(`is not ${scenario.probeStatus ?? "2xx"}`);
  }
  if (scenario.expect) {
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      fail("is not JSON");
    }
    if (!scenario.expect(body)) fail("has an unexpected body");
  }
  if (stack === "worker" && !scenario.noDb && !/rows_read=/.test(headers["server-timing"] ?? "")) {
    log(`warning: ${scenario.name} answered without a Server-Timing db entry`);
  }
}

async function drive(stack, base, list, opts) {
  const results = [];
  for (const scenario of list) {
    // set-up the scenarios before this one must not see (get-rich's products)
    await scenario.prepare?.();
    await probe(stack, base, scenario);
    const result = await runScenario(base, scenario, opts);
    if (result.ok === 0) throw new Error(`${stack} ${scenario.name}: no successful response under load`);
    log(
      `${stack} ${scenario.name}: ${fixed(result.rps, 0)} rps, p50 ${fixed(result.latency_ms.p50)} ms, errors ${result.errors}`,
    );
    results.push(result);
  }
  return results;
}

async function measureFirstRequest(base) {
  const time = async () => {
    const started = performance.now();
    const response = await fetch(`${base}/health`);
    await response.arrayBuffer();
    return performance.now() - started;
  };
  const first = await time();
  const warm = [];
  for (let i = 0; i < 20; i++) warm.push(await time());
  warm.sort((a, b) => a - b);
  return { first_request_ms: Number(first.toFixed(2)), warm_request_ms: Number(warm[10].toFixed(2)) };
}

async function startPeer(config) {
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", PEER, JSON.stringify(config)],
    {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const killNow = () => child.kill("SIGKILL");
  atExit.add(killNow);
  child.once("exit", () => atExit.delete(killNow));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const ready = await new Promise((resolve, reject) => {
      let buffer = "";
      const timer = setTimeout(() => reject(new Error("the peer did not start within 180 s")), 180_000);
      child.stdout.on("data", (chunk) => {
        buffer += chunk;
        const end = buffer.indexOf("\n");
        if (end < 0) return;
        clearTimeout(timer);
        try {
          resolve(JSON.parse(buffer.slice(0, end)));
        } catch (error) {
          reject(error);
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the peer exited (${code ?? signal}) before it was ready`));
      });
    });
    return { url: `http://127.0.0.1:${ready.port}`, seedMs: ready.seed_ms, stop, pid: child.pid };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Resources to release, newest first, on success, failure or a signal. */
const cleanups = [];
/**
 * Synchronous last resorts, run on process exit: Miniflare's own exit hook may end the process on
 * SIGINT before the orderly release above is done (it kills workerd itself).
 */
const atExit = new Set();
process.on("exit", () => {
  for (const release of atExit) {
    try {
      release();
    } catch {
      // best effort
    }
  }
});
async function releaseAll() {
  while (cleanups.length > 0) {
    const release = cleanups.pop();
    try {
      await release();
    } catch (error) {
      log(`cleanup failed: ${error.message}`);
    }
  }
}
async function using(resource, stop, body) {
  let released;
  const release = () => {
    released ??= Promise.resolve().then(stop);
    return released;
  };
  cleanups.push(release);
  try {
    return await body(resource);
  } finally {
    const index = cleanups.indexOf(release);
    if (index >= 0) cleanups.splice(index, 1);
    await release();
  }
}

async function benchSize(size, ctx) {
  const dir = join(ctx.tmp, `size-${size}`);
  const persistDir = join(dir, "persist");
  mkdirSync(persistDir, { recursive: true });
  const adminToken = randomBytes(24).toString("hex");
  const out = { size, worker: {}, peer: {} };

  log(`${sizeLabel(size)}: starting the Worker (Miniflare, persistence in ${persistDir})`);
  const worker = await startWorker({
    ...ctx.bundle,
    persistDir,
    config: ctx.config,
    adminToken,
    imageOrigin: ctx.imageOrigin,
  });
  const shared = await using(
    worker,
    () => worker.mf.dispose(),
    async ({ mf, url, startMs }) => {
      out.worker.start_ms = Number(startMs.toFixed(0));
      Object.assign(out.worker, await measureFirstRequest(url));
      const db = await mf.getD1Database("DB");
      let started = performance.now();
      out.worker.migrations = await applyMigrations(db);
      out.worker.migrate_ms = Number((performance.now() - started).toFixed(0));
      const { orgId, keyId, key, publishableKey } = await createOrgAndKey(url, adminToken);
      started = performance.now();
      log(`${sizeLabel(size)}: seeding ${size.toLocaleString("en-US")} products into D1`);
      const seeded = await seedD1(
        db,
        products({ count: size, seed: SEED, orgId, keyId, baseTime: ctx.baseTime }),
      );
      out.worker.seed_ms = Number(seeded.ms.toFixed(0));
      out.worker.seed_statements = seeded.statements;
      out.worker.seed_rows_per_s = Math.round(size / (seeded.ms / 1000));
      log(`${sizeLabel(size)}: seeded in ${seconds(seeded.ms)} (${int(out.worker.seed_rows_per_s)} rows/s)`);
      const imageId = await uploadImage(url, key, seeded.ids[0]);
      const stockId = await createStockProduct(url, key);
      // called by get-rich just before it runs
      const createRich = async () => {
        const richStarted = performance.now();
        log(`${sizeLabel(size)}: creating ${RICH_COUNT} rich products through the API`);
        const richIds = await createRichProducts(url, key);
        out.worker.rich_ms = Number((performance.now() - richStarted).toFixed(0));
        log(`${sizeLabel(size)}: rich products created in ${seconds(out.worker.rich_ms)}`);
        return richIds;
      };
      out.worker.scenarios = await drive(
        "worker",
        url,
        scenarios("worker", {
          ids: seeded.ids,
          key,
          publishableKey,
          url,
          imageId,
          stockId,
          imageUrls: ctx.imageOrigin.urls,
          createRich,
        }),
        ctx.opts,
      );
      return { orgId, keyId, key, ids: seeded.ids };
    },
  );

  log(`${sizeLabel(size)}: starting the peer (Fastify + node:sqlite)`);
  const peer = await startPeer({
    db: join(dir, "peer.sqlite"),
    count: size,
    seed: SEED,
    orgId: shared.orgId,
    keyId: shared.keyId,
    keyHash: createHash("sha256").update(shared.key).digest("hex"),
    baseTime: ctx.baseTime,
  });
  await using(peer, peer.stop, async ({ url, seedMs }) => {
    out.peer.seed_ms = Number(seedMs.toFixed(0));
    out.peer.scenarios = await drive("peer", url, scenarios("peer", shared), ctx.opts);
  });
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const byName = (scenarios, name) => scenarios?.find((result) => result.scenario === name);
const ratio = (a, b) => (a == null || b == null || b === 0 ? null : Number((a / b).toFixed(3)));

function analyse(results) {
  const sorted = [...results.sizes].sort((a, b) => a.size - b.size);
  const smallest = sorted[0];
  const largest = sorted[sorted.length - 1];
  const p50Ratios = {};
  for (const stack of ["worker", "peer"]) {
    p50Ratios[stack] = {};
    for (const result of largest[stack].scenarios) {
      const small = byName(smallest[stack].scenarios, result.scenario);
      p50Ratios[stack][result.scenario] = ratio(result.latency_ms.p50, small?.latency_ms.p50);
    }
  }
  const overhead = results.sizes.map(({ size, worker, peer }) => {
    const row = { size };
    for (const [stack, data] of [
      ["worker", worker],
      ["peer", peer],
    ]) {
      const health = byName(data.scenarios, "health")?.rps;
      row[stack] = {
        get_over_health: ratio(byName(data.scenarios, "get-by-id")?.rps, health),
        list_over_health: ratio(byName(data.scenarios, "list")?.rps, health),
      };
    }
    return row;
  });
  const large = largest.worker.scenarios;
  const rows = (name) => byName(large, name)?.server_timing?.rows_read ?? null;
  const largeOverhead = overhead.find((row) => row.size === largest.size).worker;
  const targets = [
    { target: "rows read per GET by id ≤ 3", value: rows("get-by-id"), limit: 3 },
    ...["list", "list-filtered", "search"].map((name) => ({
      target: `rows read per ${name} page ≤ limit + 5 (${LIST_LIMIT + 5})`,
      value: rows(name),
      limit: LIST_LIMIT + 5,
    })),
    ...["list", "list-filtered", "search"].map((name) => ({
      target: `${name} p50 at ${sizeLabel(largest.size)} ≤ 1.3× at ${sizeLabel(smallest.size)}`,
      value: p50Ratios.worker[name],
      limit: 1.3,
    })),
    { target: "GET-by-id rps ≥ 0.8× health", value: largeOverhead.get_over_health, floor: 0.8 },
    { target: "list rps ≥ 0.6× health", value: largeOverhead.list_over_health, floor: 0.6 },
    { target: "bundle ≤ 150 KiB gzip", value: results.bundle.gzip_kib, limit: 150 },
  ].map((entry) => ({
    ...entry,
    at_size: entry.target.startsWith("bundle") ? undefined : largest.size,
    met:
      entry.value === null
        ? null
        : entry.floor !== undefined
          ? entry.value >= entry.floor
          : entry.value <= entry.limit,
  }));
  return { smallest: smallest.size, largest: largest.size, p50Ratios, overhead, targets };
}

function render(results) {
  const lines = [];
  const o = results.options;
  lines.push(
    `products-api benchmark · ${results.commit}${results.dirty ? " (uncommitted changes)" : ""} · ${results.date} · Node ${results.node}`,
    `mode ${o.mode}: sizes ${o.sizes.map(sizeLabel).join(", ")} · ${o.duration_s} s per scenario after ${o.warmup_s} s warm-up · ${o.connections} connections · 127.0.0.1`,
    "",
  );
  for (const entry of results.sizes) {
    const w = entry.worker;
    lines.push(
      `== ${entry.size.toLocaleString("en-US")} products ==`,
      `worker: workerd start ${seconds(w.start_ms)}, first request ${fixed(w.first_request_ms, 1)} ms (warm ${fixed(w.warm_request_ms, 2)} ms), migrations ${w.migrate_ms} ms, seed ${seconds(w.seed_ms)} (${int(w.seed_rows_per_s)} rows/s, ${w.seed_statements} INSERTs), ${RICH_COUNT} rich products ${seconds(w.rich_ms)}`,
      `peer:   seed ${seconds(entry.peer.seed_ms)}`,
      "",
    );
    const rows = [];
    for (const stack of ["worker", "peer"]) {
      for (const r of entry[stack].scenarios) {
        const st = r.server_timing;
        rows.push([
          stack,
          r.scenario,
          r.request,
          int(r.rps),
          fixed(r.latency_ms.p50),
          fixed(r.latency_ms.p99),
          int(r.errors),
          r.soft_statuses === undefined ? "" : int(r.soft_statuses),
          st ? fixed(st.rows_read, 1) : "n/a",
          st ? fixed(st.rows_written, 1) : "n/a",
          st ? fixed(st.queries, 1) : "n/a",
          st ? fixed(st.db_ms, 2) : "n/a",
          st ? fixed(st.total_ms, 2) : "n/a",
        ]);
      }
    }
    lines.push(
      table(
        [
          "stack",
          "scenario",
          "request",
          "rps",
          "p50 ms",
          "p99 ms",
          "errors",
          "412",
          "rows read",
          "rows written",
          "queries",
          "db ms",
          "server ms",
        ],
        rows,
      ),
      "",
    );
  }
  const a = results.analysis;
  const small = sizeLabel(a.smallest);
  const large = sizeLabel(a.largest);
  lines.push(`== p50 latency at ${large} ÷ at ${small} ==`);
  const names = Object.keys(a.p50Ratios.worker);
  lines.push(
    table(
      ["stack", ...names],
      ["worker", "peer"].map((stack) => [
        stack,
        ...names.map((name) => fixed(a.p50Ratios[stack][name] ?? null)),
      ]),
    ),
    "",
    "== handler overhead: rps ÷ the same stack's /health rps ==",
    table(
      ["size", "worker get/health", "worker list/health", "peer get/health", "peer list/health"],
      a.overhead.map((row) => [
        sizeLabel(row.size),
        fixed(row.worker.get_over_health),
        fixed(row.worker.list_over_health),
        fixed(row.peer.get_over_health),
        fixed(row.peer.list_over_health),
      ]),
    ),
    "",
    "== bundle ==",
    `minified ${int(results.bundle.minified_bytes)} bytes, gzip ${int(results.bundle.gzip_bytes)} bytes (${results.bundle.gzip_kib} KiB)`,
    `startup: ${results.startup.active_ms} ms active CPU (${results.startup.gc_ms} ms GC) in a ${results.startup.profile_window_ms} ms profile window — ${results.startup.method}`,
    "",
    `== targets (at ${large}) ==`,
    table(
      ["target", "value", "met"],
      a.targets.map((t) => [
        t.target,
        t.value === null ? "n/a" : String(t.value),
        t.met === null ? "n/a" : t.met ? "yes" : "NO",
      ]),
    ),
    "",
    `run time ${seconds(results.run_ms)}; results in bench/results.json`,
  );
  return lines.join("\n");
}

function summary(results) {
  const a = results.analysis;
  const largest = results.sizes.find((entry) => entry.size === a.largest);
  const w = largest.worker.scenarios;
  const over = a.overhead.find((row) => row.size === a.largest);
  const met = a.targets.filter((t) => t.met).length;
  const ratioLabel = `${sizeLabel(a.largest)}/${sizeLabel(a.smallest)}`;
  return [
    `bench: get-by-id ${int(byName(w, "get-by-id").rps)} rps (${fixed(over.worker.get_over_health)}× health)`,
    `list ${fixed(over.worker.list_over_health)}× health`,
    `rows/get ${fixed(byName(w, "get-by-id").server_timing?.rows_read ?? null, 1)}`,
    `rows/list ${fixed(byName(w, "list").server_timing?.rows_read ?? null, 1)}`,
    `p50 ${ratioLabel} list ${fixed(a.p50Ratios.worker.list)} filter ${fixed(a.p50Ratios.worker["list-filtered"])} search ${fixed(a.p50Ratios.worker.search)}`,
    `bundle ${fixed(results.bundle.gzip_kib, 1)} KiB gzip`,
    `startup ${results.startup.active_ms} ms`,
    `peer get ${fixed(over.peer.get_over_health)}× list ${fixed(over.peer.list_over_health)}× health`,
    `targets ${met}/${a.targets.length} met`,
  ].join(", ");
}

function git(args) {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

async function main() {
  const started = performance.now();
  const opts = options();
  const tmp = mkdtempSync(join(tmpdir(), "products-api-bench-"));
  const removeTmp = () => rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  cleanups.push(removeTmp);
  atExit.add(removeTmp);
  log(`mode ${opts.mode}; temporary folder ${tmp}`);

  const config = await readWranglerConfig();
  log("building the Worker bundle (wrangler deploy --dry-run)");
  const bundleDir = join(tmp, "bundle");
  const built = await buildBundle(bundleDir);
  log("measuring the minified bundle and startup (wrangler check startup)");
  const bundle = await bundleSize(join(tmp, "bundle-minified"));
  const startup = await startupTime(tmp);

  const imageOrigin = await startImageOrigin();
  log(`image origin on http://${imageOrigin.host}`);
  const sizes = await using(imageOrigin, imageOrigin.stop, async () => {
    const ctx = {
      tmp,
      config,
      bundle: { bundleFile: built.file, bundleDir },
      imageOrigin,
      baseTime: Date.now(),
      opts: { duration: opts.duration, connections: opts.connections, warmup: opts.warmup },
    };
    const done = [];
    for (const size of opts.sizes) done.push(await benchSize(size, ctx));
    return done;
  });

  const results = {
    commit: git(["rev-parse", "--short", "HEAD"]),
    dirty: git(["status", "--porcelain", "--", "src", "migrations", "wrangler.toml"]) !== "",
    date: new Date().toISOString(),
    node: process.versions.node,
    options: {
      mode: opts.mode,
      sizes: opts.sizes,
      duration_s: opts.duration,
      warmup_s: opts.warmup,
      connections: opts.connections,
      seed: SEED,
      common_tag: COMMON_TAG,
      search_word: SEARCH_WORD,
      rich_tag: RICH_TAG,
    },
    bundle,
    startup,
    sizes,
  };
  results.analysis = analyse(results);
  results.run_ms = Math.round(performance.now() - started);
  results.summary = summary(results);
  return results;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping`);
    releaseAll().finally(() => process.exit(130));
  });
}

let exitCode = 0;
let results;
try {
  results = await main();
} catch (error) {
  process.stderr.write(`[bench] FAILED: ${error?.usage ? error.message : (error?.stack ?? error)}\n`);
  exitCode = 1;
} finally {
  await releaseAll();
}
if (results) {
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(render(results));
  console.log(results.summary);
}
process.exit(exitCode);
