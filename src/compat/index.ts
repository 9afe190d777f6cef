import type { createRouter } from "../shared/router";
import { awardee } from "./awardee";
import { dialectDocument } from "./dialect";
import { tamio } from "./tamio";
import { trata } from "./trata";
import { wethod } from "./wethod";

// The seed APIs, spoken as their vendors document them: each under /compat/{vendor}, followed by
// the vendor's own path, with its own OpenAPI document (docs/compat.md).

const DIALECTS = [
  {
    base: "/compat/trata",
    router: trata,
    info: {
      title: "Trata products (compat)",
      description:
        "Trata's product API served by the Products API: change only the base URL. Mapping: docs/compat.md.",
    },
  },
  {
    base: "/compat/wethod",
    router: wethod,
    info: {
      title: "Wethod products (compat)",
      description:
        "Wethod's product API served by the Products API: change only the base URL. Mapping: docs/compat.md.",
    },
  },
  {
    base: "/compat/awardee",
    router: awardee,
    info: {
      title: "Awardee products (compat)",
      description:
        "Awardee's product API served by the Products API: change only the base URL. Mapping: docs/compat.md.",
    },
  },
  {
    base: "/compat/tamio",
    router: tamio,
    info: {
      title: "Tamio products (compat)",
      description:
        "Tamio's product API (create service, read) served by the Products API: change only the base URL. Mapping: docs/compat.md.",
    },
  },
];

export function mountDialects(app: ReturnType<typeof createRouter>) {
  for (const dialect of DIALECTS) {
    // The document first: the dialect's own middleware asks for a key on every path under it.
    dialectDocument(app, dialect.base, dialect.router, dialect.info);
    app.route(dialect.base, dialect.router);
  }
}
