import { createRouter } from "../shared/router";
import * as handlers from "./scans.handlers";
import * as routes from "./scans.routes";

/** GET /s/{id}: public, no key (QR codes and printed links lead here). */
export const scans = createRouter().openapi(routes.publicScan, handlers.follow);
