// The storefront list and product routes, once with A's secret key and once with its publishable
// key: B's Org-Id, names, tags, slugs (also the de ones), ids, cursor and storefront ETag.
import { type Case, cursor, orgOf, same } from "../generators";
import { type Probe, state } from "../model";

// The storefront, with A's secret key and with A's publishable key.
export const STOREFRONT_CASES: Case[] = (["sk", "pk"] as const).flatMap((cred): Case[] => {
  const as = (path: string, extra: Partial<Probe> = {}): Probe => ({ method: "GET", path, cred, ...extra });
  const list = "GET /v1/storefront/products";
  const one = "GET /v1/storefront/products/{id_or_slug}";
  return [
    same(list, `${cred}: Org-Id of B`, (n) => as("/v1/storefront/products", { headers: orgOf(n) }), [403]),
    same(list, `${cred}: q of B's name`, (n) => as(`/v1/storefront/products?q=${n.word}`), [200], {
      list: true,
    }),
    same(list, `${cred}: tag of B`, (n) => as(`/v1/storefront/products?tag=${n.tag}`), [200], {
      list: true,
    }),
    same(list, `${cred}: locale de, 100`, () => as("/v1/storefront/products?locale=de&limit=100"), [200], {
      list: true,
    }),
    same(
      list,
      `${cred}: Accept-Language de`,
      () => as("/v1/storefront/products", { headers: { "Accept-Language": "de" } }),
      [200],
      { list: true },
    ),
    cursor(
      list,
      `${cred}: cursor from B's storefront`,
      (n) => as(`/v1/storefront/products?cursor=${n.storefrontCursor}`),
      [200, 400],
    ),
    same(one, `${cred}: B's product id`, (n) => as(`/v1/storefront/products/${n.p1}`), [404]),
    same(one, `${cred}: B's second product id`, (n) => as(`/v1/storefront/products/${n.p2}`), [404]),
    same(one, `${cred}: B's slug`, (n) => as(`/v1/storefront/products/${n.slug}`), [404]),
    same(
      one,
      `${cred}: B's slug with If-None-Match of B's storefront ETag (not 304)`,
      (n) =>
        as(`/v1/storefront/products/${n.slug}`, {
          headers: { "If-None-Match": String(state.before.storefront?.etag) },
        }),
      [404],
    ),
    same(
      one,
      `${cred}: B's de slug, ?locale=de`,
      (n) => as(`/v1/storefront/products/${n.slugDe}?locale=de`),
      [404],
    ),
    same(
      one,
      `${cred}: B's de slug, Accept-Language de`,
      (n) => as(`/v1/storefront/products/${n.slugDe}`, { headers: { "Accept-Language": "de" } }),
      [404],
    ),
    same(
      one,
      `${cred}: Org-Id of B on A's product`,
      (n) => as(`/v1/storefront/products/${state.A.product}`, { headers: orgOf(n) }),
      [403],
    ),
  ];
});
