import { createApp } from "./app";
import { consume, type EventMessage } from "./events/events.delivery";
import { runCron } from "./scheduled";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => ctx.waitUntil(runCron(controller, env)),
  queue: (batch, env) => consume(batch, env),
} satisfies ExportedHandler<Env, EventMessage>;
