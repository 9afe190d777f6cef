import { createRouter } from "../shared/router";
import * as handlers from "./images.handlers";
import * as routes from "./images.routes";

/** GET /images/{image_id}: public, no key (storefront pages link images directly). */
export const images = createRouter().openapi(routes.serveImage, handlers.serve);
