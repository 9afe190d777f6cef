import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, BASE, expectError, expectFailures } from "../helpers";

/** docs/*.md as written, by name (vitest.config.ts). */
const SOURCES = JSON.parse(env.GUIDE_SOURCES) as Record<string, string>;
const NAMES = Object.keys(SOURCES).sort();
const INDEX = "/docs/guides/";
const pageOf = (name: string) => `/docs/guides/${name}.html`;

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const titleOf = (markdown: string) => /^# (.+)$/m.exec(markdown)?.[1]?.trim() ?? "";

/** Every [text](target.md#anchor) between pages of docs/, as written. */
const pageLinks = (markdown: string) =>
  [...markdown.matchAll(/\]\(([a-z0-9-]+)\.md(#[^)\s]*)?\)/g)].map((match) => ({
    name: match[1] ?? "",
    anchor: match[2]?.slice(1),
  }));

/** The targets of the page's links (<a href>). */
const hrefsIn = (html: string) =>
  [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((match) => match[1] ?? "");
const idsIn = (html: string) => new Set([...html.matchAll(/\bid="([^"]*)"/g)].map((match) => match[1]));

function directivesOf(response: Response): Record<string, string[]> {
  const policy = response.headers.get("Content-Security-Policy") ?? "";
  return Object.fromEntries(
    policy.split(";").map((directive) => {
      const [name = "", ...sources] = directive.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

/** A guide page's answer: HTML, same-origin-only policy, nosniff, through the Worker (Request-Id). */
function expectGuideHeaders(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toMatch(/^text\/html\b/);
  const directives = directivesOf(response);
  expect(directives["default-src"]).toEqual(["'none'"]);
  expect(directives["style-src"]).toEqual(["'self'"]);
  expect(directives["img-src"]).toEqual(["'self'"]);
  expect(directives["base-uri"]).toEqual(["'none'"]);
  expect(directives["form-action"]).toEqual(["'none'"]);
  expect(directives["frame-ancestors"]).toEqual(["'none'"]);
  // No script at all, and nothing but this origin anywhere in the policy.
  expect(directives["script-src"]).toBeUndefined();
  for (const sources of Object.values(directives))
    for (const source of sources) expect(source).toMatch(/^(?:'self'|'none')$/);
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(response.headers.get("Request-Id")).toMatch(/^req_/);
}

/** What the policy allows the markup to hold: no script, no inline style, only same-origin resources. */
function expectSameOriginMarkup(html: string) {
  expect(html).not.toMatch(/<script\b/i);
  expect(html).not.toMatch(/<style\b/i);
  expect(html).not.toMatch(/\sstyle\s*=/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);
  for (const match of html.matchAll(/<(?:link|img)\b[^>]*\b(?:href|src)="([^"]*)"/gi))
    expect(new URL(match[1] ?? "", `${BASE}${INDEX}`).origin).toBe(BASE);
}

describe("/docs/guides/", () => {
  it("has a page for every docs/*.md", () => {
    expect(NAMES).toEqual(expect.arrayContaining(["architecture", "products", "storefront"]));
    expect(NAMES.length).toBeGreaterThanOrEqual(10);
  });

  it("lists every page, with a link back to /docs", async () => {
    const response = await api(INDEX);
    expectGuideHeaders(response);
    const html = await response.text();
    expectSameOriginMarkup(html);
    const hrefs = hrefsIn(html);
    expect(hrefs).toContain("/docs");
    for (const name of NAMES) {
      expect(hrefs, name).toContain(`${name}.html`);
      expect(html, name).toContain(escapeHtml(titleOf(SOURCES[name] ?? "")));
    }
    // One line each: the list holds one item per page and no more.
    expect([...html.matchAll(/<li\b/g)].length).toBe(NAMES.length);
  });

  it("answers HEAD like GET, without the body", async () => {
    const response = await api(INDEX, { method: "HEAD" });
    expectGuideHeaders(response);
    expect(await response.text()).toBe("");
  });

  it.each(NAMES)("serves %s.html: its first heading, links to /docs and the index", async (name) => {
    const response = await api(pageOf(name));
    expectGuideHeaders(response);
    const html = await response.text();
    expectSameOriginMarkup(html);
    const title = escapeHtml(titleOf(SOURCES[name] ?? ""));
    expect(title).not.toBe("");
    expect(html).toMatch(new RegExp(`<title>${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`));
    expect(html).toMatch(
      new RegExp(`<h1 id="[a-z0-9-]+">${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}</h1>`),
    );
    const hrefs = hrefsIn(html);
    expect(hrefs).toContain("/docs");
    expect(hrefs).toContain(INDEX);
    // No link to markdown or to a repository file outside docs/: those are not served.
    for (const href of hrefs) {
      expect(href, name).not.toMatch(/\.md(?:#|$)/);
      expect(href, name).not.toMatch(/^\.\.\//);
      expect(href, name).toMatch(
        /^(?:#[a-z0-9_-]+|[a-z0-9-]+\.html(?:#[a-z0-9_-]+)?|\/docs|\/docs\/guides\/|https:\/\/.+)$/,
      );
    }
    // Every in-page anchor has its heading.
    const ids = idsIn(html);
    for (const href of hrefs.filter((href) => href.startsWith("#")))
      expect(ids, href).toContain(href.slice(1));
  });

  it("rewrites links between pages to the served pages, and their anchors exist there", async () => {
    const links = NAMES.flatMap((name) =>
      pageLinks(SOURCES[name] ?? "").map((link) => ({ from: name, ...link })),
    );
    // openapi.md → architecture.md#checks, limits.md → storefront.md#cors, as written today.
    expect(links.filter((link) => link.anchor).length).toBeGreaterThanOrEqual(2);
    for (const link of links) {
      const html = await (await api(pageOf(link.from))).text();
      const href = `${link.name}.html${link.anchor ? `#${link.anchor}` : ""}`;
      expect(hrefsIn(html), `${link.from} → ${href}`).toContain(href);
      const target = await api(pageOf(link.name));
      expect(target.status, href).toBe(200);
      const targetHtml = await target.text();
      if (link.anchor) expect(idsIn(targetHtml), `${link.from} → ${href}`).toContain(link.anchor);
    }
  });

  it("gives headings GitHub's ids, numbered when repeated", async () => {
    const html = await (await api(pageOf("architecture"))).text();
    expect(html).toContain('<h2 id="checks">Checks</h2>');
    expect(html).toMatch(/<h2 id="the-reference-ui-docs">The reference UI \(<code>\/docs<\/code>\)<\/h2>/);
    const ids = [...html.matchAll(/\bid="([^"]*)"/g)].map((match) => match[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("shows a link to a repository file outside docs/ as its path, not as a link", async () => {
    expect(SOURCES.benchmarks).toContain("](../bench/README.md)");
    const html = await (await api(pageOf("benchmarks"))).text();
    expect(html).toContain("<code>bench/README.md</code>");
    expect(html).not.toContain("bench/README.md</a>");
  });

  it("serves the pages' stylesheet from the Worker's static assets", async () => {
    const html = await (await api(pageOf("products"))).text();
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(href).not.toBe("");
    const url = new URL(href, `${BASE}${pageOf("products")}`);
    expect(url.origin).toBe(BASE);
    const response = await api(url.pathname);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/css\b/);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const css = await response.text();
    expect(css).not.toMatch(/url\(|@import/);
  });

  it("revalidates a page by its ETag", async () => {
    const response = await api(pageOf("products"));
    const etag = response.headers.get("ETag");
    await response.body?.cancel();
    expect(etag).toBeTruthy();
    const cached = await api(pageOf("products"), { headers: { "If-None-Match": etag ?? "" } });
    expect(cached.status).toBe(304);
    await cached.body?.cancel();
  });

  it("answers the API's 404 for an unknown page, the markdown, and paths beside the pages", async () => {
    for (const path of [
      "/docs/guides/nothing.html",
      "/docs/guides/products.md",
      "/docs/guides/products",
      "/docs/guides/Products.html",
      "/docs/guides/products.html/",
      "/docs/guides/sub/products.html",
      "/docs/guides",
    ])
      await expectError(await api(path), 404, "not_found");
  });

  it("answers 405 with Allow for another method", async () => {
    const response = await api(pageOf("products"), { method: "POST", body: {} });
    await expectError(response, 405, "method_not_allowed");
    expect(response.headers.get("Allow")).toBe("GET, HEAD, OPTIONS");
  });

  it("takes no query parameter", async () => {
    await expectFailures(await api(`${pageOf("products")}?zz_unknown=1`), ["zz_unknown"]);
    await expectFailures(await api(`${INDEX}?zz_unknown=1`), ["zz_unknown"]);
  });
});

describe("/openapi.json", () => {
  it("links every guide from its description, one line each, and the index", async () => {
    const description = ((await (await api("/openapi.json")).json()) as { info: { description: string } })
      .info.description;
    expect(description).toContain("\n## Guides\n");
    const start = description.indexOf("\n## Guides\n") + 1;
    const end = description.indexOf("\n## ", start);
    const section = description.slice(start, end === -1 ? undefined : end);
    expect(section).toContain(`](${INDEX})`);
    for (const name of NAMES) {
      const line = section.split("\n").find((text) => text.includes(`](${pageOf(name)})`));
      expect(line, name).toBeDefined();
      expect(line, name).toMatch(/^- \[.+\]\(\/docs\/guides\/[a-z0-9-]+\.html\): .+/);
    }
    // No guide that is not a page of docs/.
    const linked = [...section.matchAll(/\]\(\/docs\/guides\/([a-z0-9-]+)\.html\)/g)].map(
      (match) => match[1],
    );
    expect(linked.sort()).toEqual(NAMES);
  });
});
