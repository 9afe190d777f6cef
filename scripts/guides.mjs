// The design notes (docs/*.md) as the HTML pages /docs/guides/ serves (src/docs-ui.ts), rendered by
// scripts/assets.mjs with the pinned `marked` devDependency: at build time only, nothing of it is in
// the Worker. Each page is standalone: no script, one same-origin stylesheet (guides.css), so that
// its Content-Security-Policy holds nothing but 'self'. Links keep working as they do on GitHub:
// `products.md#anchor` becomes `products.html#anchor`, headings get GitHub's ids, and a link to a
// repository file outside docs/ (`../bench/README.md`), which is not served, is shown as its path.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { Marked } from "marked";

/** @import { Tokens } from "marked" */
/** @typedef {{ from: string, to: string, anchor: string | undefined }} PageLink a link to a page (and a heading) of docs/ */

/** Where the pages go in assets/ (= their URL path), and the stylesheet they share. */
export const GUIDES_PATH = "docs/guides";
export const GUIDES_STYLESHEET = `/${GUIDES_PATH}/guides.css`;

/** @param {string} text */
const escapeHtml = (text) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * GitHub's heading ids (github-slugger): the heading's text in lower case, without punctuation or
 * symbols but `-` and `_`, spaces as hyphens; a repeat gets -1, -2 …
 */
function slugger() {
  /** @type {Map<string, number>} */
  const seen = new Map();
  /** @param {string} text */
  return (text) => {
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
      .replace(/ /g, "-");
    let slug = base;
    while (seen.has(slug)) {
      const count = /** @type {number} */ (seen.get(base)) + 1;
      seen.set(base, count);
      slug = `${base}-${count}`;
    }
    seen.set(slug, 0);
    return slug;
  };
}

/**
 * One page's markdown as HTML. `pages` are the names in docs/; `problems` collects the links that
 * lead nowhere (they are rendered as their text). Returns the title, the body, the ids of its
 * headings and the links to other pages (checked once every page is rendered).
 * @param {string} name
 * @param {string} markdown
 * @param {{ pages: string[], root: string, problems: string[] }} context
 */
function renderPage(name, markdown, { pages, root, problems }) {
  const slug = slugger();
  /** @type {Set<string>} */
  const ids = new Set();
  /** @type {PageLink[]} */
  const pageLinks = [];
  /** @type {string | undefined} */
  let title;
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth }) {
        const text = this.parser.parseInline(tokens, this.parser.textRenderer);
        const id = slug(text);
        ids.add(id);
        if (depth === 1) title ??= text;
        return `<h${depth} id="${escapeHtml(id)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
      link({ href, title: linkTitle, tokens }) {
        const inner = this.parser.parseInline(tokens);
        const titled = linkTitle ? ` title="${escapeHtml(linkTitle)}"` : "";
        // Another origin, this origin's own paths (/docs), or an anchor of this page: as written.
        if (/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) {
          if (href.startsWith("#")) pageLinks.push({ from: name, to: name, anchor: href.slice(1) });
          return `<a href="${escapeHtml(href)}"${titled}>${inner}</a>`;
        }
        const [path = "", anchor] = href.split("#", 2);
        const target = posix.normalize(posix.join("docs", decodeURIComponent(path)));
        const page = /^docs\/([a-z0-9-]+)\.md$/.exec(target)?.[1];
        if (page && pages.includes(page)) {
          pageLinks.push({ from: name, to: page, anchor });
          const url = `${page}.html${anchor === undefined ? "" : `#${anchor}`}`;
          return `<a href="${escapeHtml(url)}"${titled}>${inner}</a>`;
        }
        if (!target.startsWith("../") && existsSync(join(root, target))) {
          // A file of the repository, not served: its path, as code.
          const text = this.parser.parseInline(tokens, this.parser.textRenderer);
          const code = `<code>${escapeHtml(target)}</code>`;
          return text === target ? code : `${inner} (${code})`;
        }
        problems.push(`docs/${name}.md: the link to ${href} leads nowhere in the repository`);
        return inner;
      },
      // Markup written in the markdown is shown as text: the page's policy runs no inline code.
      html({ text }) {
        return escapeHtml(text);
      },
    },
  });
  // Synchronous: no extension here is async.
  const body = /** @type {string} */ (marked.parse(markdown));
  if (!title) throw new Error(`docs/${name}.md has no first heading (# Title) to be its page's title`);
  return { title, body, ids, pageLinks, lead: leadOf(markdown, marked) };
}

/**
 * The index's line for a page: the first sentence of the paragraph under its title, or, for a page
 * that starts with its sections, their names.
 * @param {string} markdown
 * @param {Marked} marked
 * @returns {string}
 */
function leadOf(markdown, marked) {
  const tokens = marked.lexer(markdown);
  const start = tokens.findIndex((token) => token.type === "heading" && token.depth === 1) + 1;
  const next = tokens.slice(start).find((token) => token.type !== "space");
  if (next?.type === "paragraph") {
    const text = next.text.replace(/\s*\n\s*/g, " ");
    const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
    return /** @type {string} */ (marked.parseInline(sentence));
  }
  return tokens
    .filter((token) => token.type === "heading" && token.depth === 2)
    .map((token) => marked.parseInline(/** @type {Tokens.Heading} */ (token).text))
    .join(" · ");
}

/**
 * A standalone page: the shared stylesheet, a way back to /docs and to the index, the body.
 * @param {{ title: string, body: string, page?: boolean }} content `page`: one of docs/ (not the index)
 */
function document({ title, body, page }) {
  const trail = [`<a href="/docs">API reference</a>`, `<a href="/${GUIDES_PATH}/">Guides</a>`];
  if (page) trail.push(escapeHtml(title));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Products API</title>
<link rel="stylesheet" href="${GUIDES_STYLESHEET}">
</head>
<body>
<nav>${trail.join(" · ")}</nav>
<main>
${body}</main>
</body>
</html>
`;
}

/**
 * Every page of docs/ and the index, as {path in assets/: HTML}. Links that lead nowhere are
 * rendered as text and reported in `problems` (the build does not fail on a page's wording).
 * @param {string} root the repository
 * @returns {{ files: Record<string, string>, problems: string[] }}
 */
export function renderGuides(root) {
  const docs = join(root, "docs");
  const pages = readdirSync(docs)
    .filter((file) => file.endsWith(".md"))
    .map((file) => file.slice(0, -3))
    .sort();
  /** @type {string[]} */
  const problems = [];
  const rendered = new Map(
    pages.map((name) => [
      name,
      renderPage(name, readFileSync(join(docs, `${name}.md`), "utf8"), { pages, root, problems }),
    ]),
  );
  for (const page of rendered.values())
    for (const link of page.pageLinks)
      if (link.anchor !== undefined && !rendered.get(link.to)?.ids.has(link.anchor))
        problems.push(`docs/${link.from}.md: ${link.to}.md has no heading #${link.anchor}`);

  /** @type {Record<string, string>} */
  const files = {};
  for (const [name, page] of rendered)
    files[`${GUIDES_PATH}/${name}.html`] = document({ title: page.title, body: page.body, page: true });
  const items = [...rendered].map(
    ([name, page]) => `<li><a href="${name}.html">${escapeHtml(page.title)}</a>: ${page.lead}</li>`,
  );
  files[`${GUIDES_PATH}/index.html`] = document({
    title: "Guides",
    body: `<h1 id="guides">Guides</h1>
<p>The design notes of the Products API: how it behaves where the <a href="/docs">reference</a>
states only the shape, and why.</p>
<ul>
${items.join("\n")}
</ul>
`,
  });
  return { files, problems };
}
