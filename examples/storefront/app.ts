// The example storefront: lists and shows products through the typed client that hono/client
// derives from the Worker's own route definitions (src/storefront), with a publishable key.
import { hc, type InferResponseType } from "hono/client";
// Types only, from `npm run typecheck` (tsconfig.types.json): the page and the Worker need different globals.
import type { StorefrontApi } from "../../dist/types/storefront";

type Config = { api: string; publishable_key: string };
const config = (await (await fetch("./config.json")).json()) as Config;

const client = hc<StorefrontApi>(`${config.api}/v1/storefront`, {
  headers: { Authorization: `Bearer ${config.publishable_key}` },
});
type Product = InferResponseType<(typeof client.products)[":id_or_slug"]["$get"], 200>;

/** Products per page of the list; More fetches the next page after `next_cursor`. */
const PAGE_SIZE = 12;

const view = document.getElementById("view") as HTMLElement;
const localeSelect = document.querySelector<HTMLSelectElement>("#locale") as HTMLSelectElement;
localeSelect.value = localStorage.getItem("locale") ?? "";

const text = (value: string) => {
  const span = document.createElement("span");
  span.textContent = value;
  return span.innerHTML;
};

function price(product: Product): string {
  const current =
    product.prices.find((entry) => entry.currency === product.default_currency) ?? product.prices[0];
  if (!current) return "";
  const formatter = new Intl.NumberFormat(product.locale, { style: "currency", currency: current.currency });
  // Intl knows each currency's minor unit; the API's amounts are counts of it.
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  const format = (amount: number) => formatter.format(amount / 10 ** digits);
  const was = current.compare_at_amount === null ? "" : `<s>${format(current.compare_at_amount)}</s>`;
  return `${format(current.amount)}${was}`;
}

const image = (product: Product) => {
  const first = product.images[0];
  return first
    ? `<img src="${first.url}" alt="${text(first.alt ?? product.name)}" width="${first.width}" height="${first.height}">`
    : "";
};

const card = (product: Product) => `<li class="card" data-id="${product.id}">
    <a href="#/products/${encodeURIComponent(product.slug ?? product.id)}">${image(product) || `<span class="no-image"></span>`}
      <h2>${text(product.name)}</h2><p class="price">${price(product)}</p></a></li>`;

/**
 * The page after `cursor` that holds a product, or the last one: past 1000 products it may not show
 * (hidden, out of their window) the API ends a page early, even empty, with has_more.
 */
async function fetchPage(locale: string | undefined, cursor: string | undefined) {
  for (;;) {
    const response = await client.products.$get({ query: { locale, limit: String(PAGE_SIZE), cursor } });
    if (!response.ok) throw new Error(`The API answered ${response.status}.`);
    const page = await response.json();
    if (page.data.length > 0 || !page.has_more || !page.next_cursor) {
      return { page, language: response.headers.get("Content-Language") };
    }
    cursor = page.next_cursor;
  }
}

/** The first page, and a More button that appends the next one until `has_more` is false. */
async function showList(locale: string | undefined, stale: () => boolean) {
  const { page, language } = await fetchPage(locale, undefined);
  if (stale()) return;
  document.documentElement.lang = language?.split(",")[0] ?? "en";
  view.innerHTML = `<ul id="products">${page.data.map(card).join("")}</ul>
    <div class="more"><button type="button">More products</button><p class="error" role="alert"></p></div>`;
  const list = view.querySelector("#products") as HTMLElement;
  const more = view.querySelector(".more") as HTMLElement;
  const button = more.querySelector("button") as HTMLButtonElement;
  const failure = more.querySelector(".error") as HTMLElement;
  let cursor = page.has_more ? page.next_cursor : null;
  if (!cursor) more.remove();
  button.addEventListener("click", async () => {
    // aria-disabled, not disabled: a disabled button would drop the keyboard focus.
    if (!cursor || button.getAttribute("aria-disabled") === "true") return;
    button.setAttribute("aria-disabled", "true");
    failure.textContent = "";
    try {
      const next = await fetchPage(locale, cursor);
      if (stale()) return;
      const first = list.children.length;
      list.insertAdjacentHTML("beforeend", next.page.data.map(card).join(""));
      cursor = next.page.has_more ? next.page.next_cursor : null;
      if (!cursor) {
        const hadFocus = document.activeElement === button;
        more.remove();
        // The button is gone: keyboard users go on at the first product it brought.
        if (hadFocus) list.children[first]?.querySelector("a")?.focus();
      }
    } catch (error) {
      if (!stale()) failure.textContent = `${String(error)} Try again.`;
    } finally {
      button.removeAttribute("aria-disabled");
    }
  });
}

async function showProduct(idOrSlug: string, locale: string | undefined, stale: () => boolean) {
  const response = await client.products[":id_or_slug"].$get({
    param: { id_or_slug: idOrSlug },
    query: { locale },
  });
  if ((response.status as number) === 404) {
    if (stale()) return;
    view.innerHTML = `<p class="error">This product is not in the shop.</p>`;
    return;
  }
  if (!response.ok) throw new Error(`The API answered ${response.status}.`);
  const product = await response.json();
  if (stale()) return;
  document.documentElement.lang = product.locale;
  view.innerHTML = `<article class="detail">${image(product)}<div>
      <h1>${text(product.name)}</h1><p class="price">${price(product)}</p>
      <p>${text(product.description ?? "")}</p>
      <p>${product.in_stock ? "In stock" : "Out of stock"}</p></div></article>`;
}

/** Counts renders: an answer that arrives after a newer render (or More of an old list) is dropped. */
let renders = 0;

async function render() {
  const current = ++renders;
  const stale = () => current !== renders;
  const locale = localeSelect.value || undefined;
  const match = /^#\/products\/(.+)$/.exec(location.hash);
  try {
    if (match?.[1]) await showProduct(decodeURIComponent(match[1]), locale, stale);
    else await showList(locale, stale);
  } catch (error) {
    if (!stale()) view.innerHTML = `<p class="error">${text(String(error))}</p>`;
  }
}

localeSelect.addEventListener("change", () => {
  localStorage.setItem("locale", localeSelect.value);
  // A product's slug differs per language: go back to the list.
  location.hash = "#/";
  void render();
});
window.addEventListener("hashchange", () => void render());
await render();
