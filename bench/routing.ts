// `npm run bench:routing` — how fast routing decides who gets a conversation. Not a test: it prints figures.
//
// The routing verbs (src/services/routing) run here in Node against embedded Postgres, each decision in
// its own tenant transaction under the app role and RLS, exactly the statements the Worker runs:
//   1. 100 agents in 10 teams (round robin, least busy, skills), 10,000 conversations: each routed
//      by routeConversation from 8 connections at once → decisions/s and per-decision p50/p99.
//   2. The same 10,000 waiting while every agent is offline; then the agents come online and
//      drainWaiting hands the queue out (most urgent first) → decisions/s and per-batch p99.
// Then, when bench/sla-timers.ts exists, its SLA timer lateness figures (p50/p99 over 1,000 timers).
//
//   npm run bench:routing
//   npm run bench:routing -- --conversations 2000 --agents 50 --lanes 4 --skip-sla
//   npm run bench:routing -- --pg-server postgres://postgres@localhost:5432/postgres
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { drizzle } from "drizzle-orm/node-postgres";
import { sql } from "drizzle-orm";
import pg from "pg";
import { startEmbeddedPostgres } from "../scripts/lib/embedded-postgres.ts";
import { runMigrations } from "../scripts/lib/migrate.ts";
import { pct } from "./harness.ts";
import { resolveExtensionlessImports } from "./ts-resolve.ts";

resolveExtensionlessImports();
const { routeConversation, drainWaiting } = await import("../src/services/routing/index.ts");
const schema = await import("../src/db/schema/index.ts");

const { values: args } = parseArgs({
  options: {
    conversations: { type: "string", default: "10000" },
    agents: { type: "string", default: "100" },
    lanes: { type: "string", default: "8" },
    "skip-sla": { type: "boolean", default: false },
    // A real server instead of the embedded one: a scratch database is created there and dropped after.
    "pg-server": { type: "string" },
  },
});
const N = Number(args.conversations);
const AGENTS = Number(args.agents);
const LANES = Number(args.lanes);
const TEAMS = Math.max(1, Math.floor(AGENTS / 10));
const MODES = ["round_robin", "least_busy", "skill_based"] as const;

type Db = { transaction: <T>(fn: (tx: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> }) => Promise<T>) => Promise<T> };

async function inTenant<T>(db: Db, tenantId: string, fn: (tx: never) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', 'parley_app', true), set_config('app.tenant_id', ${tenantId}, true)`);
    return fn(tx as never);
  });
}

async function seed(owner: pg.Client, tenantId: string) {
  await owner.query("insert into tenants (id, slug, name) values ($1, $2, 'Routing bench')", [tenantId, `bench-${tenantId.slice(0, 8)}`]);
  const agents = (
    await owner.query(
      `with u as (insert into users (id, email, name) select gen_random_uuid(), 'agent-' || g || '-' || $2 || '@example.com', 'Agent ' || g from generate_series(1, $1::int) g returning id)
       , m as (insert into tenant_members (tenant_id, user_id, role, status) select $3::uuid, id, 'agent', 'active' from u returning user_id)
       insert into agents (tenant_id, user_id, capacity, availability, skills)
       select $3::uuid, user_id, 1000, 'online', case when row_number() over () % 2 = 0 then '{lang:en,billing}'::text[] else '{lang:es}'::text[] end from m returning user_id`,
      [AGENTS, tenantId.slice(0, 8), tenantId],
    )
  ).rows.map((r) => r.user_id as string);
  const teams: string[] = [];
  for (let i = 0; i < TEAMS; i++) {
    const { rows } = await owner.query("insert into teams (id, tenant_id, name, routing_mode) values (gen_random_uuid(), $1, $2, $3) returning id", [tenantId, `Team ${i}`, MODES[i % MODES.length]]);
    teams.push(rows[0].id);
    await owner.query("insert into team_members (tenant_id, team_id, user_id) select $1, $2, unnest($3::uuid[])", [tenantId, rows[0].id, agents.slice(i * 10, i * 10 + 10)]);
  }
  const channel = (await owner.query("insert into channels (id, tenant_id, type, name) values (gen_random_uuid(), $1, 'api', 'bench') returning id", [tenantId])).rows[0].id as string;
  return { agents, teams, channel };
}

async function seedConversations(owner: pg.Client, tenantId: string, channel: string, n: number): Promise<string[]> {
  const { rows } = await owner.query(
    `with c as (insert into contacts (id, tenant_id, name) select gen_random_uuid(), $1, 'Customer ' || g from generate_series(1, $2::int) g returning id)
     insert into conversations (id, tenant_id, channel_id, contact_id, thread_key, language, priority)
     select gen_random_uuid(), $1, $3::uuid, c.id, $3::text || ':' || c.id, (array['en','es'])[1 + (random() * 1)::int], (array['P0','P1','P2','P3'])[1 + (random() * 3)::int] from c returning id`,
    [tenantId, n, channel],
  );
  return rows.map((r) => r.id as string);
}

async function scratchDatabase(serverUrl: string) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `parley_bench_routing_${Date.now().toString(36)}`;
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async stop() {
      await admin.query(`drop database ${name} with (force)`);
      await admin.end();
    },
  };
}

async function main() {
  const pgEmbedded = args["pg-server"] ? await scratchDatabase(args["pg-server"]) : await startEmbeddedPostgres();
  const lines: string[] = [`Postgres: ${args["pg-server"] ? "real server (scratch database)" : "embedded (PGlite, one process: every statement is serialized)"}`];
  try {
    await runMigrations(pgEmbedded.url);
    const owner = new pg.Client({ connectionString: pgEmbedded.url });
    await owner.connect();
    const pools = await Promise.all(
      Array.from({ length: LANES }, async () => {
        const c = new pg.Client({ connectionString: pgEmbedded.url });
        await c.connect();
        return { client: c, db: drizzle(c, { schema }) };
      }),
    );
    const tenantId = crypto.randomUUID();
    const { teams, channel } = await seed(owner, tenantId);

    // 1. Direct routing: every conversation routed on arrival.
    const convs = await seedConversations(owner, tenantId, channel, N);
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      pools.map(async ({ db }) => {
        for (let i = next++; i < convs.length; i = next++) {
          const t0 = performance.now();
          await inTenant(db, tenantId, (tx) => routeConversation(tx, tenantId, convs[i]!, { teamId: teams[i % teams.length]! }));
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const assigned = (await owner.query("select count(*)::int as n from conversations where tenant_id = $1 and assignee_id is not null", [tenantId])).rows[0].n;
    lines.push(`routeConversation: ${N} conversations, ${AGENTS} agents in ${teams.length} teams (${MODES.join(", ")}), ${LANES} connections`);
    lines.push(`  ${(N / seconds).toFixed(0)} decisions/s · p50 ${pct(latencies, 50).toFixed(1)} ms · p99 ${pct(latencies, 99).toFixed(1)} ms · max ${Math.max(...latencies).toFixed(1)} ms · assigned ${assigned}/${N}`);

    // 2. A waiting queue of N while everyone is offline, drained when they come online.
    await owner.query("update conversations set state = 'resolved' where tenant_id = $1", [tenantId]);
    await owner.query("update agents set availability = 'offline' where tenant_id = $1", [tenantId]);
    const waiting = await seedConversations(owner, tenantId, channel, N);
    next = 0;
    await Promise.all(
      pools.map(async ({ db }) => {
        for (let i = next++; i < waiting.length; i = next++) await inTenant(db, tenantId, (tx) => routeConversation(tx, tenantId, waiting[i]!, { teamId: teams[i % teams.length]! }));
      }),
    );
    const queued = (await owner.query("select count(*)::int as n from routing_queue where tenant_id = $1", [tenantId])).rows[0].n;
    await owner.query("update agents set availability = 'online' where tenant_id = $1", [tenantId]);
    const batch: number[] = [];
    let decided = 0;
    const drainStart = performance.now();
    await Promise.all(
      teams.map(async (teamId, i) => {
        const { db } = pools[i % pools.length]!;
        for (;;) {
          const t0 = performance.now();
          const out = await inTenant(db, tenantId, (tx) => drainWaiting(tx, tenantId, { teamId, limit: 50 }));
          batch.push(performance.now() - t0);
          decided += out.filter((o) => o.status === "assigned").length;
          if (out.length === 0 || !out.some((o) => o.status === "assigned")) break;
        }
      }),
    );
    const drainSeconds = (performance.now() - drainStart) / 1000;
    lines.push(`drainWaiting: ${queued} waiting, ${AGENTS} agents come online, batches of 50 per team`);
    lines.push(`  ${(decided / drainSeconds).toFixed(0)} decisions/s · batch p50 ${pct(batch, 50).toFixed(1)} ms · batch p99 ${pct(batch, 99).toFixed(1)} ms · assigned ${decided}/${queued}`);
    const spread = (await owner.query("select max(n) - min(n) as d from (select count(*) as n from conversations c join teams t on t.id = c.team_id where c.tenant_id = $1 and t.routing_mode = 'round_robin' and c.assignee_id is not null group by c.team_id, c.assignee_id) x", [tenantId])).rows[0].d;
    lines.push(`  round-robin spread (max - min conversations per agent, all round-robin teams): ${spread}`);
    await Promise.all(pools.map((p) => p.client.end()));
    await owner.end();
  } finally {
    await pgEmbedded.stop();
  }
  console.log(lines.join("\n"));

  const slaBench = path.join(path.dirname(fileURLToPath(import.meta.url)), "sla-timers.ts");
  if (args["skip-sla"]) console.log("\nSLA timer lateness: skipped (--skip-sla)");
  else if (!existsSync(slaBench)) console.log("\nSLA timer lateness: bench/sla-timers.ts is missing, so no SLA figures");
  else {
    const { benchSlaTimers } = (await import(slaBench)) as { benchSlaTimers: () => Promise<string> };
    console.log(`\nSLA timer lateness (bench/sla-timers.ts):\n${await benchSlaTimers()}`);
  }
}

await main();
