import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { getReport, ReportQuery, ReportSchema } from "../../services/reports/reports";
import { bearerSecurity, protectedErrorResponses } from "../errors";
import type { AppEnv } from "../hono-env";

export const route = createRoute({
  method: "get",
  path: "/v1/reports",
  operationId: "getReport",
  tags: ["reports"],
  summary: "How the team is doing: first-response and resolution times (median, p90), SLA attainment per team and channel, volume by priority",
  security: bearerSecurity,
  request: { query: ReportQuery },
  responses: { 200: { description: "The report for the period", content: { "application/json": { schema: ReportSchema } } }, ...protectedErrorResponses("NOT_FOUND") },
});

export const handler: RouteHandler<typeof route, AppEnv> = async (c) => c.json(await getReport({ ctx: c.get("ctx"), input: c.req.valid("query") }), 200);
