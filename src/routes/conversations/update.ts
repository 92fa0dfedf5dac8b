import { createRoute, z, type RouteHandler } from "@hono/zod-openapi";
import { CONVERSATION_STATES } from "../../db/schema";
import { updateConversation } from "../../services/conversations/conversations";
import { publishOutbox } from "../../queues/outbox-relay";
import { withSla } from "../../services/sla/attach";
import { ConversationSchema } from "../../services/conversations/model";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";
import { IdParam } from "../schemas";

export const route = createRoute({
  method: "patch",
  path: "/v1/conversations/{id}",
  operationId: "updateConversation",
  tags: ["conversations"],
  summary: "Change a conversation's state or assignee",
  security: bearerSecurity,
  request: {
    params: IdParam,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({ state: z.enum(CONVERSATION_STATES).optional(), assignee_id: z.string().uuid().nullable().optional(), version: z.number().int().positive().optional() })
            .refine((b) => b.state !== undefined || b.assignee_id !== undefined, { message: "Give state or assignee_id", path: ["state"] })
            .openapi("ConversationPatch"),
        },
      },
    },
  },
  responses: { 200: { description: "Updated", content: { "application/json": { schema: ConversationSchema } } }, ...protectedErrorResponses("NOT_FOUND", "VERSION_CONFLICT") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) =>
  c.json((await withSla(c.get("ctx"), [await updateConversation({ ctx: c.get("ctx"), input: { id: c.req.valid("param").id, ...c.req.valid("json") } }).then(publishAfter(c.get("ctx")))]))[0]!, 200);

/** State and assignee changes reach SLA clocks and automation rules now, not at the next outbox sweep (which still catches a miss). */
const publishAfter = (ctx: AppEnv["Variables"]["ctx"]) => async <T>(v: T) => {
  if (ctx.tenantId) await publishOutbox(ctx.db, ctx.env, ctx.tenantId).catch(() => {});
  return v;
};
