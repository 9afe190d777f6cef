import { describe, expect, it } from "vitest";
import { SCALAR_BUNDLE } from "../../src/docs-ui";
import { api, BASE } from "../helpers";

/** Every URL the page's markup names: src, href, action, content, and url(...) in inline CSS. */
function urlsIn(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:src|href|action|content)\s*=\s*["']([^"']*)["']/gi)]
    .map((match) => match[1] ?? "")
    .filter((value) => /^(?:[a-z][a-z0-9+.-]*:|\/)/i.test(value));
  const css = [...html.matchAll(/url\(\s*["']?([^"')]+)/gi)].map((match) => match[1] ?? "");
  return [...attributes, ...css];
}

describe("/docs", () => {
  it("answers an HTML page with a same-origin-only Content-Security-Policy", async () => {
    const response = await api("/docs");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html\b/);
    const policy = response.headers.get("Content-Security-Policy") ?? "";
    const directives = Object.fromEntries(
      policy.split(";").map((directive) => {
        const [name = "", ...sources] = directive.trim().split(/\s+/);
        return [name, sources];
      }),
    );
    expect(directives["default-src"]).toEqual(["'none'"]);
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(directives["connect-src"]).toEqual(["'self'"]);
    expect(directives["font-src"]).toEqual(["'self'"]);
    expect(directives["img-src"]).toEqual(["'self'", "data:"]);
    expect(directives["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives["base-uri"]).toEqual(["'none'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    // Nothing but this origin (and data: images, which name no host) anywhere in the policy.
    for (const sources of Object.values(directives))
      for (const source of sources as string[])
        expect(source).toMatch(/^(?:'self'|'none'|'unsafe-inline'|data:)$/);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    await response.body?.cancel();
  });

  it("names only same-origin URLs: the bundle and its configuration, with no inline script", async () => {
    const html = await (await api("/docs")).text();
    const urls = urlsIn(html);
    expect(urls).toEqual(expect.arrayContaining([SCALAR_BUNDLE, "/docs/init.js"]));
    for (const url of urls) expect(new URL(url, BASE).origin).toBe(BASE);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    for (const script of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      expect(script[1]).toMatch(/\bsrc="\//);
      expect(script[2]?.trim()).toBe("");
    }
  });

  it("serves the bundle from the Worker's static assets as JavaScript, revalidated by ETag", async () => {
    const response = await api(SCALAR_BUNDLE);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^(?:text|application)\/javascript\b/);
    const body = await response.text();
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(body).toContain("createApiReference");
    const etag = response.headers.get("ETag");
    expect(etag).toBeTruthy();
    const cached = await api(SCALAR_BUNDLE, { headers: { "If-None-Match": etag ?? "" } });
    expect(cached.status).toBe(304);
    await cached.body?.cancel();
  });

  it("configures Scalar for /openapi.json with nothing that leaves the origin", async () => {
    const response = await api("/docs/init.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/javascript\b/);
    const script = await response.text();
    const config = JSON.parse(/createApiReference\("#app", (\{.*\})\);/.exec(script)?.[1] ?? "null");
    expect(config).toMatchObject({
      url: "/openapi.json",
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
    });
    expect(script).not.toMatch(/https?:\/\//);
  });

  it("answers the API's 404 for other paths under /docs", async () => {
    const response = await api("/docs/scalar/nothing.js");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { key: string }).key).toBe("not_found");
  });
});
