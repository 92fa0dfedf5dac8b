// SLA timer lateness: how long after its due instant a warning or breach actually fires.
//
// End to end on the local stack (wrangler dev / workerd + embedded Postgres through the bridge):
// N customers each open a conversation under a policy whose first-response target is a few seconds
// away; nobody answers. Each conversation's thread object holds its SLA timer on its alarm; when the
// alarm fires, Postgres decides what is due and records it (sla_events.fired_at) against its due
// instant (sla_events.due_at). Lateness = fired_at - due_at, p50 / p99 / max, per kind.
//
//   npm run bench:sla-timers                 # 1,000 timers
//   npm run bench:sla-timers -- --timers 200
//   npm run bench:sla-timers -- --pg-server postgres://postgres@127.0.0.1:5432/postgres   # a real server
//
// `benchSlaTimers()` is also imported by `npm run bench:routing`.
import { createHmac, randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateCredentialsKeys } from "../scripts/lib/credentials-keys.ts";
import { freePort } from "../scripts/lib/free-port.ts";
import { generateSigningKeys } from "../scripts/lib/jwt-keys.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { benchStateDir, pct, scratchDatabase, sleep } from "./harness.ts";

export interface SlaTimerOptions {
  timers?: number;
  /** The first-response target: far enough out that every conversation exists before the first is due. */
  targetS?: number;
  concurrency?: number;
  /** A PostgreSQL server (superuser URL) to make a scratch database on, instead of the embedded one. */
  pgServer?: string;
}

export async function benchSlaTimers(opts: SlaTimerOptions = {}): Promise<string> {
  const timers = opts.timers ?? 1000;
  // Far enough out that every conversation is stored (and its clock started) well before the first
  // warning: otherwise the figure measures the ingest backlog, not the timers.
  const targetS = opts.targetS ?? Math.max(60, Math.ceil(timers / 40) * 8);
  const concurrency = opts.concurrency ?? 16;
  const scratch = opts.pgServer ? await scratchDatabase(opts.pgServer) : undefined;
  const state = benchStateDir("parley-bench-sla-");
  const stack = await startStack({
    port: await freePort(),
    databaseUrl: scratch?.url,
    jwtSigningKeys: await generateSigningKeys(),
    credentialsKeys: generateCredentialsKeys(),
    persistTo: state.dir,
    quiet: true,
    extraVars: { RATE_LIMIT_SIGNUP_PER_IP: "1000" },
  });
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  const lines: string[] = [];
  try {
    const call = async (method: string, p: string, body: unknown, token?: string) => {
      const res = await fetch(`${stack.url}${p}`, { method, headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<any>;
    };
    const signup = await call("POST", "/v1/auth/signup", { email: `bench-${randomUUID().slice(0, 8)}@example.com`, password: "bench-password-1234", organization: "SLA Bench" });
    const token = signup.access_token as string;
    const tenantId = signup.tenant.id as string;
    const secret = `bench-${randomUUID()}`;
    const channel = await call("POST", "/v1/channels", { type: "api", name: "bench", credentials: { signing_secret: secret }, debounce_ms: 300 }, token);
    // A silent flow: nobody answers, so every first-response clock runs to its warning and breach.
    const flow = await call("POST", "/v1/flows", { name: "Silent", definition: { start: "done", nodes: { done: { type: "end" } } } }, token);
    await call("POST", `/v1/flows/${flow.id}/publish`, {}, token);
    await call("PATCH", `/v1/channels/${channel.id}`, { flow_id: flow.id }, token);
    await call("POST", "/v1/sla-policies", { name: "Bench", first_response_s: targetS, warning_pct: 50, is_default: true }, token);
    await db.connect();

    const hook = new URL(channel.webhook_url).pathname;
    const started = Date.now();
    let next = 0;
    const send = async () => {
      for (let i = next++; i < timers; i = next++) {
        const body = JSON.stringify({ external_id: `sla-${i}`, from: { id: `sla-customer-${i}` }, text: "Where is my order?" });
        const sig = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
        const res = await fetch(`${stack.url}${hook}`, { method: "POST", headers: { "content-type": "application/json", "x-parley-signature": sig }, body });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`delivery ${i}: ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, send));
    const sentS = (Date.now() - started) / 1000;

    // Every conversation has a warning and a breach to fire; wait for them (bounded).
    const deadline = Date.now() + (targetS + 120) * 1000;
    let fired = 0;
    while (Date.now() < deadline) {
      fired = Number((await db.query("select count(*)::int as n from sla_events where tenant_id = $1", [tenantId])).rows[0].n);
      if (fired >= timers * 2) break;
      await sleep(1000);
    }
    const rows = (await db.query("select kind, extract(epoch from fired_at - due_at) * 1000 as late from sla_events where tenant_id = $1", [tenantId])).rows as Array<{ kind: string; late: string }>;
    const clocked = Number((await db.query("select count(*)::int as n from conversation_slas where tenant_id = $1", [tenantId])).rows[0].n);
    const [dupes] = (await db.query("select count(*)::int as n from (select conversation_id, metric, kind from sla_events where tenant_id = $1 group by 1, 2, 3 having count(*) > 1) d", [tenantId])).rows;
    lines.push(`Parley SLA timer lateness — ${timers} conversations, first-response target ${targetS}s (warning at 50%), thread-object alarms`);
    lines.push(`(local: wrangler dev / workerd, ${opts.pgServer ? "PostgreSQL server" : "embedded Postgres"} through the bridge, ${state.where}; ${os.cpus().length}-core machine; ${timers} deliveries sent in ${sentS.toFixed(1)}s)`);
    lines.push(`clocks started: ${clocked}/${timers}; events fired: ${fired}/${timers * 2}; duplicates: ${dupes.n}`);
    for (const kind of ["warning", "breached"]) {
      const late = rows.filter((r) => r.kind === kind).map((r) => Number(r.late));
      if (late.length === 0) {
        lines.push(`${kind.padEnd(9)} none fired`);
        continue;
      }
      lines.push(`${kind.padEnd(9)} n=${late.length}  lateness p50 ${pct(late, 50).toFixed(0)} ms  p99 ${pct(late, 99).toFixed(0)} ms  max ${Math.max(...late).toFixed(0)} ms`);
    }
    const all = rows.map((r) => Number(r.late));
    if (all.length) lines.push(`all       n=${all.length}  lateness p50 ${pct(all, 50).toFixed(0)} ms  p99 ${pct(all, 99).toFixed(0)} ms`);
  } finally {
    await db.end().catch(() => {});
    await stack.stop();
    await scratch?.drop();
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { timers: { type: "string", default: "1000" }, "target-s": { type: "string" }, concurrency: { type: "string", default: "16" }, "pg-server": { type: "string" } } });
  const out = await benchSlaTimers({ timers: Number(values.timers), targetS: values["target-s"] ? Number(values["target-s"]) : undefined, concurrency: Number(values.concurrency), pgServer: values["pg-server"] });
  console.log(out);
  process.exit(0);
}
