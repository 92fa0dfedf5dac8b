import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./hono-env";

/** One route file's exports: its OpenAPI route and the handler checked against it in that file. */
export interface RouteModule {
  route: Parameters<OpenAPIHono<AppEnv>["openapi"]>[0];
  handler: Parameters<OpenAPIHono<AppEnv>["openapi"]>[1];
}
