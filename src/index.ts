import { createApp } from "./app";
import { Database } from "./db/client";
import { loadConfig, type Env } from "./env";
import { consumeDeadLetters, consumeOutbox } from "./queues/outbox-consumer";
import { sweepOutbox, type OutboxMessage } from "./queues/outbox-relay";
import { applyRetention } from "./queues/retention";
import type { UsageReport } from "./services/billing/usage";
import { consumeUsageReports } from "./services/billing/usage-report";
import { receiveRoutedEmail } from "./services/ingest/email-routing";
import { relaxDueQueues } from "./services/routing/relax";

export { RateLimiter } from "../durable-objects/rate-limiter/rate-limiter";
export { ConversationThread } from "../durable-objects/conversation-thread/conversation-thread";
export { TenantQuota } from "../durable-objects/tenant-quota/tenant-quota";
export { AgentPresence } from "../durable-objects/agent-presence/agent-presence";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<OutboxMessage>, env: Env) {
    if (batch.queue.endsWith("-dlq")) await consumeDeadLetters(batch, env);
    else if (batch.queue === "parley-usage") await consumeUsageReports(batch as MessageBatch<UsageReport>, env);
    else await consumeOutbox(batch, env);
  },
  /** Cloudflare Email Routing: mail to a connected support address becomes a message (see email-routing.ts). */
  async email(message: ForwardableEmailMessage, env: Env) {
    await receiveRoutedEmail(message, env);
  },
  /** Every minute (wrangler.toml; the local stack fires it too): the outbox sweep, log retention, and routing's skill relaxation. */
  async scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    const db = new Database(loadConfig(env));
    // Independent chores: one failing must not skip the other; the run still reports the failure.
    const chores = Promise.allSettled([sweepOutbox(db, env), applyRetention(db), relaxDueQueues(db)]).then((results) => {
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    });
    ctx.waitUntil(chores.finally(() => db.close()));
  },
} satisfies ExportedHandler<Env, OutboxMessage>;
