import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { updateChannel } from "../../services/channels/channels";
import { ChannelPatch, ChannelWithSecretSchema } from "../../services/channels/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { expectedVersion, IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/channels/{id}",
  operationId: "updateChannel",
  tags: ["channels"],
  summary: "Update a channel: rename, reconfigure, rotate credentials, enable or disable (optimistic locking with `version` or If-Match)",
  security: bearerSecurity,
  request: {
    params: IdParam,
    headers: z.object({ "if-match": z.string().optional().openapi({ description: "Expected version, e.g. \"3\"" }) }),
    body: { required: true, content: { "application/json": { schema: ChannelPatch } } },
  },
  responses: {
    200: { description: "Updated", content: { "application/json": { schema: ChannelWithSecretSchema } } },
    ...protectedErrorResponses("NOT_FOUND", "CONFLICT", "VERSION_CONFLICT", "UNAVAILABLE"),
  },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => {
  const { version, ...fields } = c.req.valid("json");
  return c.json(await updateChannel({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, fields, expectedVersion: expectedVersion(c.req.valid("header")["if-match"], version, "channel") } }), 200);
};
