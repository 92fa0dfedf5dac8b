import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { createChannel } from "../../services/channels/channels";
import { ChannelCreate, ChannelWithSecretSchema } from "../../services/channels/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "post",
  path: "/v1/channels",
  operationId: "createChannel",
  tags: ["channels"],
  summary: "Connect a channel",
  description: [
    "Credentials by type: `whatsapp` `{app_secret, verify_token, access_token, phone_number_id}`; `telegram` `{bot_token, secret_token}`;",
    "`twilio_sms` `{account_sid, auth_token}` with config `{from}`; `api` `{signing_secret?}` (omitted: generated and returned once as",
    "`signing_secret`); `webchat` none, config `{allowed_origins}`; `email` config only (inbound email is not built yet).",
    "Credentials are encrypted at rest and never returned. Point the provider at `webhook_url`.",
  ].join(" "),
  security: bearerSecurity,
  request: { body: { required: true, content: { "application/json": { schema: ChannelCreate } } } },
  responses: {
    201: { description: "Connected", content: { "application/json": { schema: ChannelWithSecretSchema } } },
    ...protectedErrorResponses("PAYMENT_REQUIRED", "CONFLICT", "UNAVAILABLE"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json(await createChannel({ ctx: c.get("ctx"), input: c.req.valid("json") }), 201);
