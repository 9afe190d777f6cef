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

async function showList(locale: string | undefined) {
  const response = await client.products.$get({ query: { locale, limit: "24" } });
  if (!response.ok) throw new Error(`The API answered ${response.status}.`);
  const page = await response.json();
  document.documentElement.lang = response.headers.get("Content-Language")?.split(",")[0] ?? "en";
  view.innerHTML = `<ul id="products">${page.data
    .map(
      (product) => `<li class="card" data-id="${product.id}">
        <a href="#/products/${encodeURIComponent(product.slug ?? product.id)}">${image(product)}
          <h2>${text(product.name)}</h2><p class="price">${price(product)}</p></a></li>`,
    )
    .join("")}</ul>`;
}

async function showProduct(idOrSlug: string, locale: string | undefined) {
  const response = await client.products[":id_or_slug"].$get({
    param: { id_or_slug: idOrSlug },
    query: { locale },
  });
  if ((response.status as number) === 404) {
    view.innerHTML = `<p class="error">This product is not in the shop (in this language).</p>`;
    return;
  }
  if (!response.ok) throw new Error(`The API answered ${response.status}.`);
  const product = await response.json();
  document.documentElement.lang = product.locale;
  view.innerHTML = `<article class="detail">${image(product)}<div>
      <h1>${text(product.name)}</h1><p class="price">${price(product)}</p>
      <p>${text(product.description ?? "")}</p>
      <p>${product.in_stock ? "In stock" : "Out of stock"}</p></div></article>`;
}

async function render() {
  const locale = localeSelect.value || undefined;
  const match = /^#\/products\/(.+)$/.exec(location.hash);
  try {
    if (match?.[1]) await showProduct(decodeURIComponent(match[1]), locale);
    else await showList(locale);
  } catch (error) {
    view.innerHTML = `<p class="error">${text(String(error))}</p>`;
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
