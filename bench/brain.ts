// `npm run bench:brain` — what the conversation brain costs and how fast it answers. Not a test: it only
// reports, and exits 0 whatever the figures.
//   1. Offline annotation, µs per message: the annotator the Worker runs on every inbound message, in
//      this process, on the labelled multilingual sets under test/eval, after a warm-up.
//   2. Flow run, µs per group: the interpreter on the default flow with side-effect-free ports (the
//      simulator's), on each text's annotations — a first turn, and a second turn from its state.
//   3. End to end on the local stack (wrangler dev / workerd, Postgres, the real queues): a Telegram
//      workspace with a short debounce, one greeting per distinct customer at --rate groups per second;
//      from the group's close (message_groups.completed_at) to the reply reaching the provider double,
//      and from the webhook's answer to the same reply, with where the time went between them.
//
//   --groups 500        customers (one message, one group, one expected reply each)
//   --rate 50           groups per second
//   --debounce-ms 50    the channel's debounce_ms
//   --max-wait-ms 200   the channel's max_wait_ms
//   --rounds 5          passes over the texts for 1 and 2 (after as many warm-up passes)
//   --drain-s 60        how long to wait for the last replies after the last webhook
//   --warmup 25         customers answered first, at the same rate, and left out of the figures (the
//                       Worker's isolate, the thread objects' code and the database connections start cold)
//   --pg-server URL     a fresh database on this PostgreSQL server (superuser URL) instead of the embedded
//                       one, e.g. postgres://postgres@127.0.0.1:5432/postgres; dropped afterwards
//   --no-stack          only 1 and 2
//   --profile FILE      take a CPU profile of the Worker during 3, write it to FILE (.cpuprofile) and
//                       print where the time went
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { generateCredentialsKeys } from "../scripts/lib/credentials-keys.ts";
import { freePort } from "../scripts/lib/free-port.ts";
import { generateSigningKeys } from "../scripts/lib/jwt-keys.ts";
import { startStack } from "../scripts/lib/stack.ts";
import { startCpuProfile } from "./profile.ts";
import type { FlowPorts, FlowState } from "../src/flows/interpreter.ts";
import { understandOffline } from "../src/understanding/offline/annotator.ts";
import { startEdge, type Delivery } from "./brain-edge.ts";
import { benchStateDir, cpuMeter, cpuTotal, onScalePlan, pct, scratchDatabase, sleep } from "./harness.ts";
import type { LoadRequest } from "./load-driver.ts";
import { fmt, printTable, type Row } from "./table.ts";
import { resolveExtensionlessImports } from "./ts-resolve.ts";

// The flow engine imports without extensions, so it comes in after the hook.
resolveExtensionlessImports();
const { run } = await import("../src/flows/interpreter.ts");
const { defaultFlowDefinition } = await import("../tenants/default-flow.ts");

// A signal ends the run through process.exit, whose exit hooks stop the Worker's process group.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const { values: args } = parseArgs({
  options: {
    groups: { type: "string", default: "500" },
    rate: { type: "string", default: "50" },
    "debounce-ms": { type: "string", default: "50" },
    "max-wait-ms": { type: "string", default: "200" },
    rounds: { type: "string", default: "5" },
    "drain-s": { type: "string", default: "60" },
    warmup: { type: "string", default: "25" },
    "pg-server": { type: "string" },
    "no-stack": { type: "boolean", default: false },
    profile: { type: "string" },
  },
});
const GROUPS = Number(args.groups);
const RATE = Number(args.rate);
const DEBOUNCE_MS = Number(args["debounce-ms"]);
const MAX_WAIT_MS = Number(args["max-wait-ms"]);
const ROUNDS = Number(args.rounds);
const DRAIN_MS = Number(args["drain-s"]) * 1000;
const WARMUP = Number(args.warmup);
for (const [name, v] of Object.entries({ groups: GROUPS, rate: RATE, "debounce-ms": DEBOUNCE_MS, "max-wait-ms": MAX_WAIT_MS, rounds: ROUNDS, "drain-s": DRAIN_MS, warmup: WARMUP })) {
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a non-negative number`);
}
if (RATE === 0 || ROUNDS === 0) throw new Error("--rate and --rounds must be above 0");

const stats = (xs: number[]) => ({ n: xs.length, mean: xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length), p50: pct(xs, 50), p99: pct(xs, 99), max: xs.length ? Math.max(...xs) : Number.NaN });
const triple = (xs: number[], d = 1) => {
  const s = stats(xs);
  return [fmt(s.mean, d), fmt(s.p50, d), fmt(s.p99, d)];
};

// ---- 1 and 2: in-process, the annotator and the interpreter alone.

const evalDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "../test/eval");
const texts = ["understand.jsonl", "understand-holdout.jsonl", "understand-blind.jsonl"].flatMap((f) => {
  try {
    return readFileSync(path.join(evalDir, f), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => String((JSON.parse(l) as { text: string }).text));
  } catch {
    return [];
  }
});
if (texts.length === 0) throw new Error("no texts under test/eval to annotate");

/** The simulator's ports (src/services/flows/simulate.ts): nothing is sent, stored or called. */
const simulatedPorts: FlowPorts = {
  knowledgeAnswer: async () => null,
  createTicket: async () => ({ id: "simulated", ticket_number: "SIM-0001" }),
  escalate: async () => {},
  reserve: async () => ({ ok: true, confirmation_code: "SIMULATED" }),
  http: async () => ({ status: 200, body: { simulated: true } }),
};

async function annotationMicros(): Promise<number[]> {
  for (let r = 0; r < ROUNDS; r++) for (const t of texts) await understandOffline(t);
  const us: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of texts) {
      const t0 = performance.now();
      await understandOffline(t);
      us.push((performance.now() - t0) * 1000);
    }
  }
  return us;
}

async function flowMicros(): Promise<{ first: number[]; second: number[]; replies: number }> {
  const def = defaultFlowDefinition();
  // The flow's input as the bot's turn builds it for a one-message group, whose view of the group
  // (understand-group.ts groupView) is that message's annotations.
  const inputs = await Promise.all(
    texts.map(async (text) => ({ messages: [{ text }], annotations: await understandOffline(text), contact: { name: null, language: null, attributes: {} }, channel: { type: "telegram" } })),
  );
  const now = Date.parse("2026-01-05T10:00:00Z");
  const states: Array<FlowState> = [];
  let replies = 0;
  for (let r = 0; r < ROUNDS; r++) for (const input of inputs) await run(def, undefined, { ...input, now }, simulatedPorts);
  const first: number[] = [];
  const second: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, input] of inputs.entries()) {
      const t0 = performance.now();
      const result = await run(def, undefined, { ...input, now }, simulatedPorts);
      first.push((performance.now() - t0) * 1000);
      replies += result.replies.length;
      states[i] = result.state;
    }
    // The customer's next group: the same text again, from the state the first turn left (an open ask, an end).
    for (const [i, input] of inputs.entries()) {
      const t0 = performance.now();
      await run(def, states[i], { ...input, now: now + 60_000 }, simulatedPorts);
      second.push((performance.now() - t0) * 1000);
    }
  }
  return { first, second, replies: replies / ROUNDS / inputs.length };
}

const annotation = await annotationMicros();
const flow = await flowMicros();
const rows: Row[] = [
  { section: `1. Offline annotation, µs per message (${texts.length} texts from test/eval × ${ROUNDS}, after ${ROUNDS} warm-up passes)` },
  { label: "understandOffline", values: triple(annotation) },
  { section: `2. Flow run, µs per group (default flow, simulator ports, ${texts.length} groups × ${ROUNDS})` },
  { label: `first turn (${fmt(flow.replies, 2)} replies per group)`, values: triple(flow.first) },
  { label: "next turn, from the first's state", values: triple(flow.second) },
];
printTable(`Parley brain benchmark — in-process (Node ${process.version}, ${os.cpus().length}-core machine)`, ["mean", "p50", "p99"], rows);

// ---- 3: end to end on the local stack.

/** A bare greeting per language: the default flow answers it with exactly one message. */
const GREETINGS = ["Hola", "Hello", "Bonjour", "Hallo", "Ciao", "Olá", "Buenos días", "Good morning", "Bom dia", "Guten Morgen", "Buongiorno", "Salut"];

async function endToEnd() {
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  let postmasterPid: number | undefined;
  if (args["pg-server"]) {
    const scratch = await scratchDatabase(args["pg-server"]);
    databaseUrl = scratch.url;
    dropDatabase = scratch.drop;
    postmasterPid = scratch.postmasterPid;
  }
  const edge = await startEdge();
  const d = edge.doubleUrl;
  let stack: Awaited<ReturnType<typeof startStack>> | undefined;
  let db: pg.Client | undefined;
  const state = benchStateDir();
  try {
    stack = await startStack({
      port: await freePort(),
      databaseUrl,
      jwtSigningKeys: await generateSigningKeys(),
      credentialsKeys: generateCredentialsKeys(),
      persistTo: state.dir,
      quiet: true,
      extraVars: { RATE_LIMIT_SIGNUP_PER_IP: "1000", WHATSAPP_API_BASE: `${d}/whatsapp/v21.0`, TELEGRAM_API_BASE: `${d}/telegram`, TWILIO_API_BASE: `${d}/twilio`, MAILGUN_API_BASE: `${d}/mailgun` },
    });
    db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const stopProfile = args.profile ? await startCpuProfile(stack.inspectorPort, args.profile) : undefined;
    await measure(stack, db, d, edge.drive, Boolean(databaseUrl), postmasterPid, state.where);
    if (stopProfile) console.log(await stopProfile());
  } finally {
    await db?.end().catch(() => {});
    await stack?.stop();
    await edge.stop();
    await dropDatabase?.();
  }
}

async function measure(
  stack: Awaited<ReturnType<typeof startStack>>,
  db: pg.Client,
  doubleUrl: string,
  drive: (base: string, requests: LoadRequest[], rate: number) => Promise<Delivery[]>,
  realServer: boolean,
  postmasterPid: number | undefined,
  stateWhere: string,
) {
  const post = async (p: string, body: unknown, token?: string) => {
    const res = await fetch(`${stack.url}${p}`, { method: "POST", headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const signup = await post("/v1/auth/signup", { email: `bench-${randomUUID().slice(0, 8)}@example.com`, password: "bench-password-1234", organization: "Bench Co" });
  await onScalePlan(db, signup.tenant.id);
  const botToken = `${100_000_000 + Math.floor(Math.random() * 899_999_999)}:AA${randomUUID().replace(/-/g, "")}`;
  const secretToken = `sec_${randomUUID().replace(/-/g, "")}`;
  const channel = await post(
    "/v1/channels",
    { type: "telegram", name: "bench", config: { bot_username: "parley_bench_bot" }, credentials: { bot_token: botToken, secret_token: secretToken }, debounce_ms: DEBOUNCE_MS, max_wait_ms: Math.max(MAX_WAIT_MS, DEBOUNCE_MS) },
    signup.access_token,
  );
  const hook = new URL(channel.webhook_url).pathname;
  const chatBase = 700_000_000;
  const date = Math.floor(Date.now() / 1000);
  // Customer i is chat chatBase + i; the warm-up's customers are below chatBase.
  const update = (chat: number, i: number): LoadRequest => ({
    path: hook,
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secretToken },
    // A high message_id: the double numbers the bot's messages in a chat from 1, and a reply's external id
    // (`<chat>:<message_id>`) must not be the customer's, as on Telegram, where both share one sequence.
    body: JSON.stringify({ update_id: chat, message: { message_id: 100_000, from: { id: chat, is_bot: false, first_name: `Customer ${i}` }, chat: { id: chat, type: "private" }, date, text: GREETINGS[i % GREETINGS.length] } }),
  });
  const isMeasured = (chat: number) => chat >= chatBase && chat < chatBase + GROUPS;

  type Sent = { chat: number; at: number };
  const sentAll = async (): Promise<Sent[]> => {
    const res = await fetch(`${doubleUrl}/_control/requests?provider=telegram&key=${encodeURIComponent(botToken)}`);
    const recorded = (await res.json()) as Array<{ path: string; body: string; at: string; status: number }>;
    return recorded.filter((r) => r.path.endsWith("/sendMessage") && r.status === 200).map((r) => ({ chat: Number(JSON.parse(r.body).chat_id), at: Date.parse(r.at) }));
  };
  /** Replies still on their way: waits until every customer in the run has one (and 2 s more for extras), or --drain-s. */
  const settle = async (inRun: (chat: number) => boolean, expected: number, lastAck: number) => {
    let sent = (await sentAll()).filter((x) => inRun(x.chat));
    let lastCount = -1;
    let quietSince = Date.now();
    while (Date.now() < lastAck + DRAIN_MS) {
      const answered = new Set(sent.map((x) => x.chat)).size;
      if (answered >= expected && Date.now() - quietSince > 2000) break;
      if (sent.length !== lastCount) [lastCount, quietSince] = [sent.length, Date.now()];
      await sleep(500);
      sent = (await sentAll()).filter((x) => inRun(x.chat));
    }
    return sent;
  };

  if (WARMUP > 0) {
    const warm = await drive(stack.url, Array.from({ length: WARMUP }, (_, i) => update(chatBase - 1 - i, i)), RATE);
    await settle((chat) => chat < chatBase, warm.filter((x) => x.status === 200).length, Math.max(...warm.map((x) => x.ackAt)));
  }
  // What the measured customers cost the database path and the machine, from their first webhook to
  // their last reply (the load generator runs in its own process, so it is in neither figure).
  const bridge = stack.bridge.stats;
  const before = { ws: bridge.roundTrips, http: bridge.httpRequests, statements: bridge.statements, connections: bridge.connections, byApp: structuredClone(bridge.byApplication) };
  const cpu = cpuMeter({ stack, postmasterPid, realServer });
  const deliveries = await drive(stack.url, Array.from({ length: GROUPS }, (_, i) => update(chatBase + i, i)), RATE);
  const sent = await settle(isMeasured, deliveries.filter((x) => x.status === 200).length, Math.max(...deliveries.map((x) => x.ackAt)));
  const spent = cpu();
  const work = {
    http: bridge.httpRequests - before.http,
    statements: bridge.statements - before.statements,
    connections: bridge.connections - before.connections,
    byApp: Object.entries(bridge.byApplication).map(([app, v]) => {
      const b = before.byApp[app];
      return { app, http: (v.httpRequests ?? 0) - (b?.httpRequests ?? 0), statements: v.statements - (b?.statements ?? 0), connections: v.connections - (b?.connections ?? 0) };
    }),
  };

  const groups = await db.query(
    `select split_part(m.external_id, ':', 1)::bigint as chat, g.id as group_id,
       extract(epoch from g.completed_at) * 1000 as completed_ms, extract(epoch from g.started_at) * 1000 as started_ms,
       extract(epoch from m.created_at) * 1000 as message_ms,
       (select extract(epoch from p.processed_at) * 1000 from processed_events p where p.tenant_id = g.tenant_id and p.consumer = 'bot.turn' and p.event_id = g.id::text) as turn_ms
     from message_groups g join messages m on m.id = g.message_ids[1]
     where g.channel_id = $1`,
    [channel.id],
  );
  const outbound = await db.query(
    `select m.conversation_id, extract(epoch from o.created_at) * 1000 as created_ms, extract(epoch from o.published_at) * 1000 as published_ms
     from messages m join outbox_events o on o.aggregate_id = m.id::text and o.type = 'message.outbound'
     where m.channel_id = $1 and m.sender_type = 'bot'`,
    [channel.id],
  );

  // What the database holds after the run: where replies that never arrived stopped.
  const census = await db.query(
    `select 'group ' || status as what, count(*)::int as n from message_groups where channel_id = $1 group by status
     union all select 'bot turn taken', count(*)::int from processed_events where consumer = 'bot.turn' and tenant_id = (select tenant_id from channels where id = $1)
     union all select 'bot reply ' || status, count(*)::int from messages where channel_id = $1 and sender_type = 'bot' group by status
     union all select 'event ' || type || case when published_at is null then ' (unpublished)' else '' end || case when last_error is not null then ' (error)' else '' end, count(*)::int
       from outbox_events where tenant_id = (select tenant_id from channels where id = $1) group by 1
     order by 1`,
    [channel.id],
  );
  const errors = await db.query("select distinct last_error from outbox_events where tenant_id = (select tenant_id from channels where id = $1) and last_error is not null limit 5", [channel.id]);

  const byChat = new Map<number, number[]>();
  for (const s of sent) byChat.set(s.chat, [...(byChat.get(s.chat) ?? []), s.at]);
  const groupsByChat = new Map<number, Array<Record<string, number>>>();
  for (const g of groups.rows) groupsByChat.set(Number(g.chat), [...(groupsByChat.get(Number(g.chat)) ?? []), g]);

  const fromClose: number[] = [];
  const fromAck: number[] = [];
  const closeToTurn: number[] = [];
  const turnToProvider: number[] = [];
  const ackToClose: number[] = [];
  let one = 0;
  let none = 0;
  let more = 0;
  let multiGroup = 0;
  for (let i = 0; i < GROUPS; i++) {
    const chat = chatBase + i;
    const replies = (byChat.get(chat) ?? []).sort((a, b) => a - b);
    if (replies.length === 0) none++;
    else if (replies.length === 1) one++;
    else more++;
    const gs = groupsByChat.get(chat) ?? [];
    if (gs.length > 1) multiGroup++;
    const g = gs[0];
    const delivery = deliveries[i]!;
    if (g) ackToClose.push(Number(g.completed_ms) - delivery.ackAt);
    if (!replies.length || !g) continue;
    const first = replies[0]!;
    fromClose.push(first - Number(g.completed_ms));
    fromAck.push(first - delivery.ackAt);
    if (g.turn_ms !== null) {
      closeToTurn.push(Number(g.turn_ms) - Number(g.completed_ms));
      turnToProvider.push(first - Number(g.turn_ms));
    }
  }
  // One consumer working through batches one message at a time shows as evenly spaced turns: the
  // spacing is then the service time of one turn, and its inverse the most groups per second answered.
  const turnTimes = groups.rows.filter((g) => isMeasured(Number(g.chat)) && g.turn_ms !== null).map((g) => Number(g.turn_ms)).sort((a, b) => a - b);
  const turnSpacing = turnTimes.slice(1).map((t, i) => t - turnTimes[i]!);
  const closes = groups.rows.filter((g) => isMeasured(Number(g.chat))).map((g) => Number(g.completed_ms));
  const lastReply = Math.max(...sent.map((x) => x.at));
  const answeredPerS = sent.length ? new Set(sent.map((x) => x.chat)).size / ((lastReply - Math.min(...closes)) / 1000) : 0;
  const publishLag = outbound.rows.filter((r) => r.published_ms !== null).map((r) => Number(r.published_ms) - Number(r.created_ms));
  const ackMs = deliveries.map((x) => x.ackAt - x.sentAt);
  const ms = (xs: number[]) => {
    const s = stats(xs);
    return [fmt(s.p50), fmt(s.p99), fmt(s.max), String(s.n)];
  };
  const byStatus: Record<number, number> = {};
  for (const x of deliveries) byStatus[x.status] = (byStatus[x.status] ?? 0) + 1;
  const statuses = Object.entries(byStatus)
    .map(([code, n]) => `${code === "0" ? "no answer" : code}×${n}`)
    .join(" ");
  const e2e: Row[] = [
    { section: "End to end, ms" },
    { label: "group close → reply at the provider", values: ms(fromClose), aim: "p99 ≤ 100" },
    { label: "webhook answered → reply at the provider", values: ms(fromAck) },
    { section: "Where it went, ms" },
    { label: "webhook answered (client's round trip)", values: ms(ackMs) },
    { label: "webhook answered → group closed (debounce)", values: ms(ackToClose) },
    { label: "group closed → bot turn's commit began", values: ms(closeToTurn) },
    { label: "bot turn's commit began → reply at provider", values: ms(turnToProvider) },
    { label: "reply's outbox event written → marked published", values: ms(publishLag) },
    { label: "between consecutive bot turns' commits", values: ms(turnSpacing) },
    { label: `groups answered per second (sent ${RATE}/s)`, values: [fmt(answeredPerS), "", "", ""] },
    { section: "Cost per group (measured customers, first webhook to last reply)" },
    { label: "CPU ms, whole stack (workerd + wrangler + Postgres)", values: [fmt(cpuTotal(spent) / GROUPS), "", "", ""] },
    { label: "  workerd (the Worker, its objects, its queues)", values: [fmt(spent.workerd / GROUPS), "", "", ""] },
    { label: realServer ? "  PostgreSQL server" : "  embedded Postgres and the bridge", values: [fmt((spent.postgres + spent.bridge) / GROUPS), "", "", ""] },
    { label: "  wrangler and the rest of its process tree", values: [fmt(spent.wrangler / GROUPS), "", "", ""] },
    { label: "database round trips (HTTP requests + WebSocket ones)", values: [fmt((work.http + bridge.roundTrips - before.ws) / GROUPS), "", "", ""] },
    { label: "statements", values: [fmt(work.statements / GROUPS), "", "", ""] },
    { label: "WebSocket connections opened", values: [fmt(work.connections / GROUPS), "", "", ""] },
    ...work.byApp
      .filter((a) => a.statements > 0 || a.connections > 0)
      .map((a) => ({ label: `  ${a.app}: HTTP requests / statements / connections`, values: [`${fmt(a.http / GROUPS)} / ${fmt(a.statements / GROUPS)} / ${fmt(a.connections / GROUPS)}`, "", "", ""] })),
    { section: `In the database after the run (with the ${WARMUP} warm-up customers)` },
    ...census.rows.map((r) => ({ label: String(r.what), values: [String(r.n), "", "", ""] })),
    { section: "Replies per group (aim: every group exactly one)" },
    { label: "exactly one", values: [String(one), "", "", ""] },
    { label: "none", values: [String(none), "", "", ""] },
    { label: "more than one", values: [String(more), "", "", ""] },
    { label: "customers with more than one group", values: [String(multiGroup), "", "", ""] },
  ];
  printTable(
    `Parley brain benchmark — end to end: ${GROUPS} Telegram customers, one greeting each at ${RATE}/s, debounce ${DEBOUNCE_MS} ms, max wait ${Math.max(MAX_WAIT_MS, DEBOUNCE_MS)} ms\n` +
      `(local: wrangler dev / workerd, ${realServer ? "PostgreSQL server" : "embedded Postgres"}, the provider double in its own process, ${stateWhere}; webhooks ${statuses}; ${groups.rows.filter((g) => isMeasured(Number(g.chat))).length} of them closed as groups)`,
    ["p50", "p99", "max", "n"],
    e2e,
  );
  if (errors.rows.length) console.log(`outbox errors:\n${errors.rows.map((r) => `  ${String(r.last_error).slice(0, 300)}`).join("\n")}\n`);
}

if (!args["no-stack"]) await endToEnd();
