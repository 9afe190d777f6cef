// `npm run test:e2e`: the example storefront in headless Chromium against a real `wrangler dev`.
// A fresh local state (a temporary --persist-to), an org with demo products, the page served on
// its own origin (so every call is a real CORS request), and these checks, as a shopper sees it:
// the list a page at a time through its More button, loaded images shown whole, the German names
// after a language switch, a product page with its image uncropped, and nothing hidden. Then
// /docs, offline: every request to a host other than loopback is aborted, and the reference must
// still render from the Worker alone. Ends with `e2e: N passed, N failed` and
// screenshots in dist/e2e/ (storefront.png, product.png, docs.png).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { discPng, post, seedDemo } from "../examples/storefront/seed.mjs";
import { serveStorefront } from "../examples/storefront/serve.mjs";
import { createShop, freePort, migrate, startWorker } from "./local.mjs";

// Checked with the DOM's types besides Node's (scripts/tsconfig.e2e.json): the functions handed to
// Playwright's evaluate, addInitScript and waitForFunction run in the page.
/**
 * @import { Server } from "node:http"
 * @import { Browser, Page, Response as PageResponse } from "playwright-core"
 * @import { ApiProduct, LocalWorker } from "./local.mjs"
 */
/** @typedef {typeof window & { __violations: string[] }} DocsWindow /docs with the CSP violations it saw */

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ADMIN_TOKEN = "e2e-admin-token";
// examples/storefront/app.ts's PAGE_SIZE.
const PAGE_SIZE = 12;
// Made before the demo products, so that the first page (newest first) still shows those.
const EXTRA_PRODUCTS = 30;

/** @type {{ name: string, ok: boolean }[]} */
const results = [];
/**
 * @param {string} name
 * @param {() => Promise<void>} body
 */
async function check(name, body) {
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`  ✓ ${name}`);
  } catch (error) {
    results.push({ name, ok: false });
    console.log(
      `  ✗ ${name}\n    ${String(/** @type {Error | undefined} */ (error)?.message ?? error)
        .split("\n")
        .join("\n    ")}`,
    );
  }
}
/** @type {(condition: unknown, message: string) => asserts condition} */
const assert = (condition, message) => {
  if (!condition) throw new Error(message);
};

/**
 * How each of `images` draws its picture, from its computed object-fit, its content box and its
 * natural size (run in the page, by evaluateAll): `shown` is the drawn picture's size, `clippedBy`
 * the ancestors that cut the element off.
 * @param {HTMLImageElement[]} images
 */
const imageFits = (images) =>
  images.map((img) => {
    const style = getComputedStyle(img);
    /** @param {string} value */
    const px = (value) => Number.parseFloat(value) || 0;
    const box = {
      width: img.clientWidth - px(style.paddingLeft) - px(style.paddingRight),
      height: img.clientHeight - px(style.paddingTop) - px(style.paddingBottom),
    };
    const natural = { width: img.naturalWidth, height: img.naturalHeight };
    const contain = Math.min(box.width / natural.width, box.height / natural.height);
    const scale = /** @type {Record<string, number>} */ ({
      contain,
      cover: Math.max(box.width / natural.width, box.height / natural.height),
      none: 1,
      "scale-down": Math.min(1, contain),
    })[style.objectFit];
    const shown =
      scale === undefined ? box : { width: natural.width * scale, height: natural.height * scale };
    const rect = img.getBoundingClientRect();
    /** @type {string[]} */
    const clippedBy = [];
    for (
      let element = img.parentElement;
      element && element !== document.body;
      element = element.parentElement
    ) {
      const { overflowX, overflowY } = getComputedStyle(element);
      if (overflowX === "visible" && overflowY === "visible") continue;
      const outer = element.getBoundingClientRect();
      const inside =
        rect.left >= outer.left - 1 &&
        rect.right <= outer.right + 1 &&
        rect.top >= outer.top - 1 &&
        rect.bottom <= outer.bottom + 1;
      if (!inside)
        clippedBy.push(element.tagName.toLowerCase() + (element.className ? `.${element.className}` : ""));
    }
    return { fit: style.objectFit, box, natural, shown, clippedBy };
  });

/** @typedef {ReturnType<typeof imageFits>[number]} Fit */

/**
 * Why `fit` (one of imageFits' answers) crops or distorts its picture; empty when it shows it whole.
 * @param {Fit} fit
 */
function fitProblems({ fit, box, natural, shown, clippedBy }) {
  const problems = [];
  if (!(natural.width > 0 && natural.height > 0)) problems.push("not loaded");
  if (shown.width > box.width + 0.5 || shown.height > box.height + 0.5)
    problems.push(`cropped (object-fit: ${fit})`);
  /** @param {{ width: number, height: number }} size */
  const ratio = (size) => size.width / size.height;
  if (Math.abs(ratio(shown) / ratio(natural) - 1) > 0.02) problems.push(`distorted (object-fit: ${fit})`);
  if (clippedBy.length > 0) problems.push(`clipped by ${clippedBy.join(", ")}`);
  return problems.length === 0
    ? []
    : [
        `${problems.join(", ")}: ${natural.width}×${natural.height} drawn ${Math.round(shown.width)}×${Math.round(shown.height)} in a ${Math.round(box.width)}×${Math.round(box.height)} box`,
      ];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * /docs in a context of its own, with every request to a non-loopback host recorded and aborted.
 * @param {string} base
 */
async function checkDocs(base) {
  console.log(`e2e: ${base}/docs, non-loopback hosts blocked`);
  const context = await /** @type {Browser} */ (browser).newContext({
    locale: "en-US",
    viewport: { width: 1280, height: 900 },
  });
  /** @type {string[]} */
  const outside = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (LOOPBACK.has(new URL(url).hostname)) return route.continue();
    outside.push(url);
    return route.abort("blockedbyclient");
  });
  const docs = await context.newPage();
  // CSP violations as the page sees them, whether or not the browser also logs them.
  await docs.addInitScript(() => {
    /** @type {DocsWindow} */ (window).__violations = [];
    document.addEventListener("securitypolicyviolation", (event) =>
      /** @type {DocsWindow} */ (window).__violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  /** @type {string[]} */
  const problems = [];
  docs.on("console", (message) => message.type() === "error" && problems.push(`console: ${message.text()}`));
  docs.on("pageerror", (error) => problems.push(`page: ${error.message}`));
  docs.on("requestfailed", (request) =>
    problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  // a navigation: it has a response
  const response = /** @type {PageResponse} */ (await docs.goto(`${base}/docs`));

  await check("/docs answers with a Content-Security-Policy of its own origin only", async () => {
    const policy = (await response.allHeaders())["content-security-policy"] ?? "";
    assert(/(^|; )default-src 'none'/.test(policy), `policy: ${policy}`);
    assert(/(^|; )script-src 'self'(;|$)/.test(policy), `policy: ${policy}`);
    assert(/(^|; )connect-src 'self'(;|$)/.test(policy), `policy: ${policy}`);
    assert(!/https?:|\*/.test(policy), `policy names another origin: ${policy}`);
  });

  await check("/docs renders the operations: Create a product", async () => {
    // Scalar renders an operation once it is near the viewport: open it from the sidebar.
    await docs.getByText("Create a product", { exact: true }).first().click({ timeout: 20_000 });
    await docs
      .getByRole("heading", { name: "Create a product", exact: true })
      .waitFor({ state: "visible", timeout: 10_000 });
  });

  await check("/docs shows the PATCH request body's fields (name, description, status)", async () => {
    await docs.getByText("Update a product", { exact: true }).first().click({ timeout: 10_000 });
    const operation = docs.locator("section", {
      has: docs.getByRole("heading", { name: "Update a product", exact: true }),
    });
    const body = operation.getByRole("group", { name: "Request Body" });
    await body.waitFor({ state: "visible", timeout: 10_000 });
    // Past a dozen properties Scalar folds the rest behind "Show N more properties".
    const more = body.getByRole("button", { name: /^Show \d+ more propert/ });
    if ((await more.count()) > 0) await more.first().click();
    const fields = (await body.locator(".property-name").allTextContents()).map((name) => name.trim());
    const missing = ["name", "description", "status"].filter((name) => !fields.includes(name));
    assert(missing.length === 0, `missing ${missing.join(", ")} in ${JSON.stringify(fields)}`);
  });

  await check("/docs asks nothing of any host but this one", async () => {
    assert(outside.length === 0, `requests to other hosts: ${outside.join(", ")}`);
  });

  await check("/docs: no CSP violations, console errors, page errors or failed requests", async () => {
    // The bundle's zod probes once whether eval works (Function(""), in a try) and does without:
    // the one violation the policy is meant to cause.
    const violations = (await docs.evaluate(() => /** @type {DocsWindow} */ (window).__violations)).filter(
      (violation) => violation !== "script-src eval",
    );
    assert(violations.length === 0 && problems.length === 0, [...violations, ...problems].join("\n"));
  });

  await docs.goto(`${base}/docs#tag/products/PATCH/v1/products/{id}`);
  await docs.getByRole("heading", { name: "Update a product", exact: true }).waitFor();
  await docs.mouse.move(640, 10); // no hover tooltip in the picture
  await docs.screenshot({ path: "dist/e2e/docs.png" });
  console.log("  screenshot: dist/e2e/docs.png");

  await check("/docs links a guide page: styled, no CSP violation, no other host", async () => {
    const seen = { outside: outside.length, problems: problems.length };
    await docs.goto(`${base}/docs`);
    const link = docs.locator('a[href="/docs/guides/products.html"]').first();
    await link.waitFor({ state: "attached", timeout: 20_000 });
    const href = /** @type {string} */ (await link.getAttribute("href"));
    const guide = /** @type {PageResponse} */ (await docs.goto(new URL(href, base).href));
    const policy = (await guide.allHeaders())["content-security-policy"] ?? "";
    assert(/(^|; )default-src 'none'/.test(policy) && !/https?:|\*/.test(policy), `policy: ${policy}`);
    await docs.getByRole("heading", { level: 1, name: "Products", exact: true }).waitFor();
    // guides.css applied: the page has no style but that same-origin sheet.
    const width = await docs.locator("main").evaluate((main) => getComputedStyle(main).maxWidth);
    assert(width !== "none", `main max-width: ${width}`);
    const violations = await docs.evaluate(() => /** @type {DocsWindow} */ (window).__violations);
    const since = [...outside.slice(seen.outside), ...problems.slice(seen.problems)];
    assert(violations.length === 0 && since.length === 0, [...violations, ...since].join("\n"));
  });
  await context.close();
}

const persistTo = mkdtempSync(join(tmpdir(), "products-api-e2e-"));
/** @type {LocalWorker | undefined} */
let worker;
/** @type {Page} */
let page;
/** @type {Browser | undefined} */
let browser;
/** @type {Server | undefined} */
let storefront;
try {
  migrate(persistTo);
  worker = await startWorker({
    port: await freePort(),
    persistTo,
    vars: { ADMIN_TOKEN },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const storefrontPort = await freePort();
  const origin = `http://127.0.0.1:${storefrontPort}`;
  const shop = await createShop(worker.base, ADMIN_TOKEN, { name: "E2E shop", origins: [origin] });
  // Enough products for three pages, without images (the page must do without one too).
  const extras = [];
  for (let index = 1; index <= EXTRA_PRODUCTS; index++) {
    const number = String(index).padStart(2, "0");
    const name = { en: `Sample product ${number}`, de: `Musterprodukt ${number}` };
    await post(worker.base, shop.key, "/v1/products", {
      name: name.en,
      prices: [{ currency: "EUR", amount: 1000 + index }],
      localizations: { de: { name: name.de } },
    });
    extras.push(name);
  }
  const names = await seedDemo(worker.base, shop.key);
  // A picture twice as tall as wide, in frames wider than tall: cropped unless shown whole.
  const tall = { en: "Tall vase", de: "Hohe Vase" };
  const tallProduct = /** @type {ApiProduct} */ (
    await post(worker.base, shop.key, "/v1/products", {
      name: tall.en,
      prices: [{ currency: "EUR", amount: 4500 }],
      localizations: { de: { name: tall.de } },
    })
  );
  await post(
    worker.base,
    shop.key,
    `/v1/products/${tallProduct.id}/images`,
    discPng([70, 96, 160], 240, 480),
    "image/png",
  );
  const visible = [...extras, ...names, tall];
  storefront = await serveStorefront({
    port: storefrontPort,
    api: worker.base,
    publishableKey: shop.publishable_key,
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = await browser.newPage({ locale: "en-US" });
  /** @type {string[]} */
  const problems = [];
  page.on(
    "console",
    (message) =>
      message.type() === "error" && problems.push(`console: ${message.text()} (${message.location().url})`),
  );
  page.on("pageerror", (error) => problems.push(`page: ${error.message}`));
  page.on("requestfailed", (request) =>
    problems.push(`failed: ${request.url()} ${request.failure()?.errorText}`),
  );
  /** @type {PageResponse[]} */
  const apiResponses = [];
  page.on(
    "response",
    (response) =>
      response.url().startsWith(/** @type {LocalWorker} */ (worker).base) && apiResponses.push(response),
  );

  console.log(`e2e: ${origin}/examples/storefront/ against ${worker.base}`);
  await page.goto(`${origin}/examples/storefront/`);

  const cards = page.locator("#products .card");
  const more = page.getByRole("button", { name: "More products" });
  const shownIds = () => cards.evaluateAll((items) => items.map((item) => item.dataset.id));
  const shownNames = () => page.locator("#products .card h2").allTextContents();
  /** @param {string[]} list */
  const sorted = (list) => JSON.stringify([...list].sort());
  /** Clicks More until it is gone, waiting each time for the cards it adds; returns how many each page added. */
  const clickMoreUntilTheEnd = async () => {
    const added = [];
    while ((await more.count()) > 0) {
      assert(added.length < 10, "still a More button after 10 pages");
      const before = await cards.count();
      await more.click();
      await page.waitForFunction(
        (count) => document.querySelectorAll("#products .card").length > count,
        before,
        { timeout: 10_000 },
      );
      added.push((await cards.count()) - before);
    }
    return added;
  };

  await check(`shows a first page of ${PAGE_SIZE} products and a More products button`, async () => {
    await page.waitForSelector("#products .card", { timeout: 15_000 });
    const shown = await shownNames();
    assert(
      shown.length === PAGE_SIZE,
      `${shown.length} products on the first page: ${JSON.stringify(shown)}`,
    );
    assert(
      names.every((name) => shown.includes(name.en)),
      `the demo products are not all on the first page: ${JSON.stringify(shown)}`,
    );
    assert((await more.count()) === 1, `${await more.count()} More products buttons`);
    assert((await more.evaluate((element) => element.tagName)) === "BUTTON", "More is not a <button>");
    assert(await more.isVisible(), "the More products button is not visible");
  });

  await check(`More appends the next ${PAGE_SIZE} products, none of them shown before`, async () => {
    const before = await shownIds();
    await more.click({ timeout: 5_000 });
    await page.waitForFunction(
      (count) => document.querySelectorAll("#products .card").length > count,
      before.length,
      { timeout: 10_000 },
    );
    const after = await shownIds();
    assert(
      JSON.stringify(after.slice(0, before.length)) === JSON.stringify(before),
      "the first page changed",
    );
    assert(after.length === 2 * PAGE_SIZE, `${after.length} products after one More`);
    assert(new Set(after).size === after.length, `a product shown twice: ${JSON.stringify(after)}`);
  });

  await check(`More until the end shows all ${visible.length} visible products once, then goes`, async () => {
    const added = await clickMoreUntilTheEnd();
    const ids = await shownIds();
    const shown = await shownNames();
    assert(new Set(ids).size === ids.length, `a product shown twice: ${JSON.stringify(shown)}`);
    assert(
      sorted(shown) === sorted(visible.map((name) => name.en)),
      `${shown.length} shown: ${JSON.stringify(shown)}`,
    );
    assert((await more.count()) === 0, "the More products button is still there");
    // The clicked button is gone; the focus goes on at the first product of the last page.
    const focused = await page.evaluate(
      () =>
        document.activeElement?.closest(".card")?.getAttribute("data-id") ?? document.activeElement?.tagName,
    );
    assert(focused === ids[ids.length - /** @type {number} */ (added.at(-1))], `focus on ${focused}`);
  });

  await check("leaves the hidden product out", async () => {
    assert(!(await page.content()).includes("Secret prototype"), "the hidden product is on the page");
  });

  await check("loads the product images from /images through CORS-checked origins", async () => {
    // Every image must have finished (loaded or failed) before the sizes say anything: waiting
    // for the first one only raced the others on a busy machine (CI once read [320,240],[0,0],[0,0]).
    await page.waitForFunction(
      () => {
        const images = /** @type {HTMLImageElement[]} */ ([...document.querySelectorAll("#products img")]);
        return images.length > 0 && images.every((img) => img.complete);
      },
      undefined,
      { timeout: 15_000 },
    );
    const sizes = await page
      .locator("#products img")
      .evaluateAll(
        /** @param {HTMLImageElement[]} images */ (images) =>
          images.map((img) => [img.naturalWidth, img.naturalHeight]),
      );
    const expected = [...names.map(() => [320, 240]), [240, 480]];
    assert(
      sorted(sizes.map(String)) === sorted(expected.map(String)),
      `image sizes: ${JSON.stringify(sizes)}`,
    );
  });

  await check("shows each list picture whole: neither cropped nor distorted in its frame", async () => {
    const fits = await page.locator("#products img").evaluateAll(imageFits);
    const problems = fits.flatMap(fitProblems);
    assert(problems.length === 0, problems.join("\n"));
  });

  await check("reads the API cross-origin with the publishable key: ACAO echoed, cacheable", async () => {
    const list = apiResponses.find(
      (response) => new URL(response.url()).pathname === "/v1/storefront/products",
    );
    assert(list, "no storefront list request seen");
    const headers = await list.allHeaders();
    assert(
      headers["access-control-allow-origin"] === origin,
      `ACAO: ${headers["access-control-allow-origin"]}`,
    );
    assert(headers["cache-control"] === "public, max-age=60, stale-while-revalidate=600", "Cache-Control");
    assert(headers["content-language"] === "en", `Content-Language: ${headers["content-language"]}`);
  });

  await check("switching the language starts the list again at its first page, in German", async () => {
    const german = visible.map((name) => name.de);
    await page.selectOption("#locale", "de");
    await page.waitForFunction(
      (expected) => expected.includes(document.querySelector("#products .card h2")?.textContent ?? ""),
      german,
      { timeout: 10_000 },
    );
    const shown = await shownNames();
    assert(shown.length === PAGE_SIZE, `${shown.length} products after the switch`);
    assert(
      shown.every((name) => german.includes(name)),
      `names shown: ${JSON.stringify(shown)}`,
    );
    assert((await more.count()) === 1, "no More products button after the switch");
    assert((await page.getAttribute("html", "lang")) === "de", "html lang is not de");
    const added = await clickMoreUntilTheEnd();
    assert(
      sorted(await shownNames()) === sorted(german),
      `German names shown: ${JSON.stringify(await shownNames())}`,
    );
    assert(added.length === 2, `More added ${JSON.stringify(added)}`);
  });

  await check("opens a product page by its German slug", async () => {
    await cards.filter({ hasText: "Teekanne" }).locator("a").click();
    await page.waitForSelector(".detail h1", { timeout: 10_000 });
    const title = await page.locator(".detail h1").textContent();
    assert(title === "Teekanne", `title: ${title}`);
    assert(/#\/products\/teekanne$/.test(page.url()), `url: ${page.url()}`);
    await page.waitForFunction(() => {
      const img = /** @type {HTMLImageElement | null} */ (document.querySelector(".detail img"));
      return img?.complete && img.naturalWidth > 0;
    });
  });

  await check(
    "shows the product page's picture whole: a 240×480 one neither cropped nor distorted",
    async () => {
      await page.goto(`${origin}/examples/storefront/#/products/${tallProduct.id}`);
      // The hash changes within the page: wait for this product, not the one shown before.
      await page.waitForFunction(
        (titles) => titles.includes(document.querySelector(".detail h1")?.textContent ?? ""),
        [tall.en, tall.de],
        { timeout: 10_000 },
      );
      await page.waitForFunction(() => {
        const img = /** @type {HTMLImageElement | null} */ (document.querySelector(".detail img"));
        return img?.complete && img.naturalWidth > 0;
      });
      const fit = /** @type {Fit} */ ((await page.locator(".detail img").evaluateAll(imageFits))[0]);
      assert(
        fit.natural.width === 240 && fit.natural.height === 480,
        `natural size: ${JSON.stringify(fit.natural)}`,
      );
      const problems = fitProblems(fit);
      assert(problems.length === 0, problems.join("\n"));
      // Whole, and not shrunk to a thumbnail: its own 480 pixels tall, or 60% of the window if less.
      assert(
        fit.shown.height >=
          Math.min(480, 0.6 * /** @type {{ height: number }} */ (page.viewportSize()).height),
        `drawn ${JSON.stringify(fit.shown)}`,
      );
      mkdirSync("dist/e2e", { recursive: true });
      await page.screenshot({ path: "dist/e2e/product.png", fullPage: true });
      console.log("  screenshot: dist/e2e/product.png");
    },
  );

  await check("no console errors, page errors or failed requests", async () => {
    assert(problems.length === 0, problems.join("\n"));
  });

  mkdirSync("dist/e2e", { recursive: true });
  await page.goto(`${origin}/examples/storefront/#/`);
  await page.waitForSelector("#products .card img");
  await page.screenshot({ path: "dist/e2e/storefront.png", fullPage: true });
  console.log("  screenshot: dist/e2e/storefront.png");

  await checkDocs(worker.base);
} catch (error) {
  results.push({ name: "setup", ok: false });
  console.log(`  ✗ setup\n    ${/** @type {Error | undefined} */ (error)?.stack ?? error}`);
} finally {
  await browser?.close();
  storefront?.close();
  await worker?.stop();
  rmSync(persistTo, { recursive: true, force: true });
}
const failed = results.filter((result) => !result.ok).length;
console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
