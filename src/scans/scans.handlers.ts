import { ApiError } from "../lib/errors";
import type { AppRouteHandler } from "../shared/router";
import * as repo from "./scans.repo";
import type * as routes from "./scans.routes";

const notFound = (id: string) => new ApiError("not_found", { message: `No product with id '${id}'.` });

export const record: AppRouteHandler<typeof routes.recordScan> = async (c) => {
  const { id } = c.req.valid("param");
  const count = await repo.recordScan(
    c.get("db"),
    c.get("auth").orgId,
    id,
    new Date().toISOString(),
    c.get("idempotencyClaimId"),
  );
  if (!count) throw notFound(id);
  return c.json(count, 200);
};

export const follow: AppRouteHandler<typeof routes.publicScan> = async (c) => {
  const { id } = c.req.valid("param");
  // A HEAD (link checkers, previews) is not a scan.
  const url =
    c.req.method === "HEAD"
      ? await repo.destinationOf(c.get("db"), id)
      : await repo.scanToDestination(c.get("db"), id, new Date().toISOString());
  if (url === undefined)
    throw new ApiError("not_found", { message: "No active product with a destination there." });
  // Only ever the stored url (validated as http(s) when written); never cached, so every scan counts.
  return c.body(null, 302, { Location: url, "Cache-Control": "no-store" });
};
