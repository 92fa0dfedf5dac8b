import { eq } from "drizzle-orm";
import { z } from "zod";
import { automationRules } from "../../db/schema";
import { httpTargetProblem } from "../../flows/http-target";
import { hex } from "../../lib/crypto";
import type { HandlerContext } from "../../queues/outbox-consumer";
import { openRuleSecret } from "./secret";

const TIMEOUT_MS = 5_000;

const Payload = z.object({ rule_id: z.string().uuid(), run_id: z.string().uuid(), url: z.string().url(), event_id: z.string(), scope: z.record(z.string(), z.unknown()) });

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp in the MAC stops replays of old bodies. */
export async function signWebhook(secret: string, timestamp: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `sha256=${hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`)))}`;
}

/**
 * Sends an automation rule's webhook: HTTPS to a public host only (checked again here, the URL was
 * checked when the rule was saved), no redirects followed, signed with the rule's secret, with the
 * outbox event id as a delivery id so receivers can drop the duplicates at-least-once delivery brings.
 * A network failure or 5xx throws (the queue retries with backoff); a 4xx is the receiver's final word.
 */
export async function sendRuleWebhook({ ctx, event }: HandlerContext): Promise<void> {
  const p = Payload.safeParse(event.payload);
  if (!p.success) return;
  const [rule] = await ctx.db.scoped({ tenantId: event.tenant_id }, (tx) => tx.select({ secret: automationRules.signingSecret }).from(automationRules).where(eq(automationRules.id, p.data.rule_id)));
  if (!rule) return; // the rule was deleted meanwhile
  const problem = httpTargetProblem(p.data.url);
  if (problem) {
    ctx.log.warn("automation webhook refused", { rule_id: p.data.rule_id, problem });
    return;
  }
  const body = JSON.stringify({ id: event.id, type: "automation.webhook", rule_id: p.data.rule_id, run_id: p.data.run_id, trigger_event_id: p.data.event_id, created_at: event.created_at, data: p.data.scope });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const res = await fetch(p.data.url, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/json",
      "user-agent": "Parley-Automation/1",
      "x-parley-delivery": event.id,
      "x-parley-timestamp": timestamp,
      "x-parley-signature": await signWebhook(await openRuleSecret(ctx.config, event.tenant_id, p.data.rule_id, rule.secret), timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await res.body?.cancel();
  if (res.status >= 500) throw new Error(`webhook answered ${res.status}`);
  if (res.status >= 300) ctx.log.warn("automation webhook not accepted", { rule_id: p.data.rule_id, status: res.status });
}
