// Raw delivery log retention, as the scheduled handler runs it: old deliveries go, recent ones stay.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Database } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { applyRetention } from "../src/queues/retention";
import { createApiChannel, postSigned, apiMessage } from "./channel-harness";
import { createTenant, ownerQuery } from "./harness";

describe("channel event retention", () => {
  it("deletes rejected deliveries after 7 days and accepted ones after 30, and keeps newer ones", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    await postSigned(ch, apiMessage());
    await postSigned(ch, apiMessage(), { secret: "not-the-secret" });
    const rows = await ownerQuery<{ id: string; verdict: string }>("select id, verdict from channel_events where channel_id = $1 order by id", [ch.id]);
    const accepted = rows.filter((r) => r.verdict === "accepted").map((r) => r.id);
    const rejected = rows.filter((r) => r.verdict === "rejected").map((r) => r.id);
    expect(accepted).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    // Age copies of them: rejected 8 days (past 7), accepted 20 (within 30) and 31 days (past 30).
    const copy = (id: string, days: number) =>
      ownerQuery(
        `insert into channel_events (tenant_id, channel_id, received_at, verdict, reason, event_type, external_ids, headers, body)
         select tenant_id, channel_id, now() - make_interval(days => $2), verdict, reason, event_type, external_ids, headers, body
         from channel_events where id = $1 returning id`,
        [id, days],
      ).then((r) => r[0].id as string);
    const oldRejected = await copy(rejected[0]!, 8);
    const recentAccepted = await copy(accepted[0]!, 20);
    const oldAccepted = await copy(accepted[0]!, 31);

    const db = new Database(loadConfig(env as unknown as Env));
    let deleted: number;
    try {
      deleted = await applyRetention(db);
    } finally {
      await db.close();
    }
    const left = (await ownerQuery<{ id: string }>("select id from channel_events where channel_id = $1", [ch.id])).map((r) => r.id);
    expect(left).not.toContain(oldRejected);
    expect(left).not.toContain(oldAccepted);
    expect(left).toEqual(expect.arrayContaining([...accepted, ...rejected, recentAccepted]));
    expect(deleted).toBeGreaterThanOrEqual(2);
  });
});
