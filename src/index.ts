import { createApp } from "./app";
import { consume, type EventMessage } from "./events/events.delivery";
import { sweep } from "./scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: (_controller, env, ctx) => ctx.waitUntil(sweep(env)),
  queue: (batch, env) => consume(batch, env),
} satisfies ExportedHandler<Env, EventMessage>;
