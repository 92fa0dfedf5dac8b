import type { Database } from "../db/client";
import type { AppConfig, Env } from "../env";
import type { Logger } from "../lib/log";

/** Who is acting. Credentials are resolved to a principal inside the tenant transaction (see access.ts). */
export type Actor =
  | { type: "anonymous" }
  | { type: "user"; userId: string; sessionId: string }
  | { type: "webSession"; tokenHash: string }
  | { type: "apiKey"; keyHash: string }
  | { type: "system"; name: string };

/** Built once per request (or queue batch / alarm) and handed to every service verb. Never sees HTTP. */
export interface ServiceContext {
  requestId: string;
  config: AppConfig;
  env: Env;
  db: Database;
  log: Logger;
  tenantId?: string;
  actor: Actor;
  ip?: string;
  userAgent?: string;
}
