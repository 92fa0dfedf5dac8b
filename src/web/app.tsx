import { Hono } from "hono";
import type { AppEnv } from "../routes/hono-env";

export const webApp = new Hono<AppEnv>();
