import { checkAnswer } from "./answers";
import { evaluateCondition, type ConditionScope } from "./conditions";
import type { FlowDefinition, FlowNode, NodeType } from "./definition";
import { pickText, render } from "./templates";

/** The understanding of the message group the flow answers (contract: "Understanding"). */
export interface Annotations {
  language?: string;
  intent?: string;
  sentiment?: { score?: number; label?: string };
  urgency?: number;
  priority?: string;
  entities?: Array<{ type: string; value: string }>;
  source?: string;
  [field: string]: unknown;
}

export interface FlowContact {
  id?: string;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  language?: string | null;
  attributes?: Record<string, unknown>;
}

export interface FlowInput {
  messages: Array<{ text: string }>;
  annotations?: Annotations;
  contact?: FlowContact;
  channel?: { type: string | null };
  /** The clock, passed in so a run is a pure function of its inputs. */
  now: string | number | Date;
  /** Set when the caller's durable timer fired for the state's waiting node. */
  timer?: boolean;
}

/** Bot state for one conversation, plain JSON so the thread object can store it durably. */
export interface FlowState {
  node: string | null;
  vars: Record<string, unknown>;
  waiting?: { kind: "ask" | "wait"; node: string; until?: string; attempts?: number };
  steps_taken: number;
  /** Set once the flow finished: `ended` starts over at the start on the next group (its `vars` kept), `escalated` stays silent. */
  done?: "ended" | "escalated";
}

export type FlowOutcome = "waiting" | "ended" | "escalated" | "error";
export interface FlowStep {
  node: string;
  type: NodeType;
  outcome: string;
  detail?: Record<string, unknown>;
}
export type FlowAction =
  | { type: "create_ticket"; title: string; category?: string; priority?: string; result?: unknown }
  | { type: "escalate"; team_id?: string; reason?: string; skills?: string[]; summary: string }
  | { type: "reservation"; slot_date?: string; slot_time?: string; party_size?: number; reservation_type?: string; result?: unknown }
  | { type: "http"; url: string; method: string; status?: number; error?: string }
  | { type: "knowledge_answer"; question: string; answered: boolean };

export interface FlowRunResult {
  state: FlowState;
  replies: Array<{ text: string }>;
  actions: FlowAction[];
  steps: FlowStep[];
  outcome: FlowOutcome;
  timer?: { at: string; node: string };
}

/** Everything a flow can do to the world. The simulator passes versions that touch nothing. */
export interface FlowPorts {
  knowledgeAnswer(q: { question: string; language: string }): Promise<{ answer: string; confident?: boolean; citations?: Array<{ document_id: string; chunk_id: string; title: string }> } | null>;
  createTicket(t: { title: string; category?: string; priority?: string; summary: string }): Promise<{ id?: string; ticket_number?: string }>;
  escalate(e: { team_id?: string; reason?: string; skills?: string[]; summary: string }): Promise<void>;
  reserve(r: { slot_date?: string; slot_time?: string; party_size?: number; reservation_type?: string }): Promise<{ ok: true; confirmation_code: string; id?: string } | { ok: false; reason?: string }>;
  http(r: { url: string; method: string; body?: unknown }): Promise<{ status: number; body: unknown }>;
}

export interface RunOptions {
  /** Nodes one run may execute before it stops with outcome `error` (a runaway graph). */
  maxSteps?: number;
}

export const DEFAULT_MAX_STEPS = 50;
const DEFAULT_ASK_ATTEMPTS = 3;

const toMs = (t: FlowInput["now"]) => (t instanceof Date ? t.getTime() : typeof t === "number" ? t : Date.parse(t));

/** The conversation's language: the group's when it could be told, else the contact's, else English. */
export function conversationLanguage(input: Pick<FlowInput, "annotations" | "contact">): string {
  const detected = input.annotations?.language;
  if (detected && detected !== "und") return detected;
  return input.contact?.language || "en";
}

function scopeOf(input: FlowInput, vars: Record<string, unknown>, language: string): ConditionScope {
  const a = input.annotations ?? {};
  return {
    annotations: a,
    intent: a.intent ?? null,
    sentiment: a.sentiment?.label ?? null,
    sentiment_score: a.sentiment?.score ?? null,
    urgency_score: a.urgency ?? null,
    priority: a.priority ?? null,
    language,
    contact: { ...(input.contact ?? {}) },
    vars,
    message: { text: input.messages.map((m) => m.text).join("\n") },
    channel: { type: input.channel?.type ?? null },
  };
}

/** Deep-renders templates in a `set` value or `http` body; a string that is one template keeps its type. */
function renderValue(v: unknown, scope: object): unknown {
  if (typeof v === "string") {
    const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(v);
    if (whole) return whole[1]!.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined), scope) ?? null;
    return render(v, scope);
  }
  if (Array.isArray(v)) return v.map((x) => renderValue(x, scope));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderValue(x, scope)]));
  return v;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

/**
 * Runs a flow from where the conversation's state left it until it pauses (`ask`, `wait`), ends,
 * escalates, or fails. Pure apart from `ports`: the same definition, state and input give the same
 * result, which is what lets the simulator show exactly what a real conversation would do.
 *
 * @example
 *   const r = await run(definition, stored?.state, { messages: [{ text: "hola" }], annotations, now: Date.now() }, ports);
 *   await store(r.state); if (r.timer) await scheduleAlarm(r.timer.at);
 */
export async function run(def: FlowDefinition, prior: FlowState | undefined, input: FlowInput, ports: FlowPorts, opts: RunOptions = {}): Promise<FlowRunResult> {
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  const now = toMs(input.now);
  const language = conversationLanguage(input);
  const state: FlowState = { node: prior?.node ?? null, vars: { ...(prior?.vars ?? {}) }, steps_taken: prior?.steps_taken ?? 0 };
  const result: FlowRunResult = { state, replies: [], actions: [], steps: [], outcome: "ended" };
  const scope = () => scopeOf(input, state.vars, language);
  const say = (text: Parameters<typeof pickText>[0]) => {
    const t = render(pickText(text, language), scope()).trim();
    if (t) result.replies.push({ text: t });
  };
  const step = (node: string, type: NodeType, outcome: string, detail?: Record<string, unknown>) => {
    result.steps.push({ node, type, outcome, ...(detail && { detail }) });
    state.steps_taken++;
  };
  const pause = (waiting: NonNullable<FlowState["waiting"]>): FlowRunResult => {
    state.node = waiting.node;
    state.waiting = waiting;
    result.outcome = "waiting";
    if (waiting.until) result.timer = { at: waiting.until, node: waiting.node };
    return result;
  };
  const finish = (outcome: "ended" | "escalated" | "error"): FlowRunResult => {
    state.node = null;
    delete state.waiting;
    if (outcome !== "error") state.done = outcome;
    result.outcome = outcome;
    return result;
  };
  const summary = () => input.messages.map((m) => m.text).join("\n").slice(0, 2000);

  if (prior?.done === "escalated") {
    // Humans have the conversation: the bot says nothing until someone resets its state.
    state.done = "escalated";
    result.outcome = "escalated";
    return result;
  }

  let cur: string | undefined = def.start;
  const w = prior?.waiting;
  if (w) {
    const node = def.nodes[w.node];
    const due = w.until === undefined || now >= Date.parse(w.until);
    if (!node || node.type !== w.kind) {
      step(w.node, node?.type ?? "end", "error", { error: "the waiting node is not in this version" });
      return finish("error");
    }
    if (node.type === "wait") {
      if (!(input.timer && due)) return pause(w); // messages during a wait do not cut it short
      step(w.node, "wait", "resumed");
      cur = node.next;
    } else if (node.type === "ask") {
      if (input.timer) {
        if (!due) return pause(w);
        step(w.node, "ask", "timed_out");
        cur = node.on_timeout;
      } else if (input.messages.length === 0) {
        return pause(w);
      } else {
        const answer = checkAnswer(node.validate, input.messages.map((m) => m.text).join(" "));
        if (answer.ok) {
          state.vars[node.save_as] = answer.value;
          step(w.node, "ask", "answered", { [node.save_as]: answer.value });
          cur = node.next;
        } else {
          const attempts = (w.attempts ?? 1) + 1;
          if (attempts > (node.max_attempts ?? DEFAULT_ASK_ATTEMPTS)) {
            step(w.node, "ask", "gave_up", { attempts: attempts - 1 });
            cur = node.on_invalid;
          } else {
            step(w.node, "ask", "invalid", { attempt: attempts });
            say(node.invalid_text ?? node.text);
            return pause({ ...w, attempts });
          }
        }
      }
    }
  }

  let ran = 0;
  while (cur !== undefined) {
    const id: string = cur;
    const node: FlowNode | undefined = def.nodes[id];
    if (!node) {
      step(id, "end", "error", { error: `node ${id} does not exist` });
      return finish("error");
    }
    if (ran++ >= maxSteps) {
      step(id, node.type, "error", { error: `stopped after ${maxSteps} steps in one run` });
      return finish("error");
    }
    cur = undefined;
    switch (node.type) {
      case "message":
        say(node.text);
        step(id, "message", "replied");
        cur = node.next;
        break;
      case "ask": {
        say(node.text);
        const until = node.timeout_s ? new Date(now + node.timeout_s * 1000).toISOString() : undefined;
        step(id, "ask", "asked", until ? { until } : undefined);
        return pause({ kind: "ask", node: id, ...(until && { until }), attempts: 1 });
      }
      case "wait": {
        const until = new Date(now + node.seconds * 1000).toISOString();
        step(id, "wait", "waiting", { until });
        return pause({ kind: "wait", node: id, until });
      }
      case "condition": {
        const s = scope();
        const i = node.branches.findIndex((b) => evaluateCondition(b.when, s));
        cur = i >= 0 ? node.branches[i]!.next : node.else;
        step(id, "condition", i >= 0 ? `branch ${i}` : "else", { next: cur });
        break;
      }
      case "set": {
        const s = scope();
        const assigned = Object.fromEntries(Object.entries(node.assign).map(([k, v]) => [k, renderValue(v, s)]));
        Object.assign(state.vars, assigned);
        step(id, "set", "assigned", assigned);
        cur = node.next;
        break;
      }
      case "knowledge_answer": {
        const question = node.question ? render(node.question, scope()) : scope().message.text;
        let found: Awaited<ReturnType<FlowPorts["knowledgeAnswer"]>> = null;
        let error: string | undefined;
        try {
          found = await ports.knowledgeAnswer({ question, language });
        } catch (err) {
          error = errText(err); // an outage is "no answer", not a failed conversation
        }
        const answered = !!found && found.answer.trim() !== "" && found.confident !== false;
        result.actions.push({ type: "knowledge_answer", question, answered });
        if (answered) {
          state.vars.answer = found!.answer;
          result.replies.push({ text: found!.answer });
        }
        step(id, "knowledge_answer", answered ? "answered" : "no_answer", error ? { error } : answered && found!.citations ? { citations: found!.citations } : undefined);
        cur = answered ? node.next : node.on_no_answer;
        break;
      }
      case "create_ticket": {
        const title = render(node.title ?? "Conversation needs follow-up", scope()).slice(0, 500);
        const action: FlowAction & { type: "create_ticket" } = { type: "create_ticket", title, ...(node.category && { category: node.category }), ...(node.priority && { priority: node.priority }) };
        result.actions.push(action);
        try {
          const ticket = await ports.createTicket({ title, category: node.category, priority: node.priority, summary: summary() });
          action.result = ticket;
          if (ticket.id) state.vars.ticket_id = ticket.id;
          if (ticket.ticket_number) state.vars.ticket_number = ticket.ticket_number;
          step(id, "create_ticket", "created", ticket);
        } catch (err) {
          step(id, "create_ticket", "error", { error: errText(err) });
          return finish("error");
        }
        cur = node.next;
        break;
      }
      case "escalate": {
        const e = { ...(node.team_id && { team_id: node.team_id }), ...(node.reason && { reason: render(node.reason, scope()) }), ...(node.skills?.length && { skills: node.skills }), summary: summary() };
        result.actions.push({ type: "escalate", ...e });
        try {
          await ports.escalate(e);
        } catch (err) {
          step(id, "escalate", "error", { error: errText(err) });
          return finish("error");
        }
        step(id, "escalate", "escalated", node.reason ? { reason: e.reason } : undefined);
        return finish("escalated");
      }
      case "reservation": {
        const s = scope();
        const size = node.party_size === undefined ? undefined : Number(renderValue(node.party_size, s));
        const r = {
          ...(node.slot_date && { slot_date: String(renderValue(node.slot_date, s) ?? "") }),
          ...(node.slot_time && { slot_time: String(renderValue(node.slot_time, s) ?? "") }),
          ...(size !== undefined && Number.isFinite(size) && { party_size: size }),
          ...(node.reservation_type && { reservation_type: node.reservation_type }),
        };
        const action: FlowAction & { type: "reservation" } = { type: "reservation", ...r };
        result.actions.push(action);
        let booked: Awaited<ReturnType<FlowPorts["reserve"]>>;
        try {
          booked = await ports.reserve(r);
        } catch (err) {
          booked = { ok: false, reason: errText(err) };
        }
        action.result = booked;
        if (booked.ok) {
          state.vars.confirmation_code = booked.confirmation_code;
          if (booked.id) state.vars.reservation_id = booked.id;
        }
        step(id, "reservation", booked.ok ? "reserved" : "unavailable", booked);
        cur = booked.ok ? node.next : node.on_unavailable;
        break;
      }
      case "http": {
        const s = scope();
        const url = node.url.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (m) => encodeURIComponent(render(m, s)));
        const method = node.method ?? (node.body === undefined ? "GET" : "POST");
        const action: FlowAction & { type: "http" } = { type: "http", url, method };
        result.actions.push(action);
        let ok = false;
        try {
          const res = await ports.http({ url, method, ...(node.body !== undefined && { body: renderValue(node.body, s) }) });
          action.status = res.status;
          ok = res.status < 400;
          if (ok && node.save_as) state.vars[node.save_as] = res.body;
          step(id, "http", ok ? "ok" : "failed", { status: res.status });
        } catch (err) {
          action.error = errText(err);
          step(id, "http", "failed", { error: action.error });
        }
        cur = ok ? node.next : node.on_error;
        if (!ok && !node.on_error) return finish("error");
        break;
      }
      case "end":
        step(id, "end", "ended");
        return finish("ended");
    }
  }
  return finish("ended");
}
