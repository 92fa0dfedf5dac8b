/// <reference types="vite/client" />
// The outbox event catalog (src/events/catalog.ts) against the code: every consumer's type is declared,
// every declared type is consumed or says why not, every type the source emits (TypeScript or SQL) is
// declared, and real events written through the API match their payload schema.
import { describe, expect, it } from "vitest";
import { EVENT_CATALOG, EVENT_TYPES, isEventType } from "../src/events/catalog";
import { OUTBOX_HANDLERS } from "../src/queues/handlers";
import { apiMessage, createApiChannel, eventually, postSigned } from "./channel-harness";
import { createTenant, ownerQuery } from "./harness";

const sources = import.meta.glob<string>(["../src/**/*.ts", "../src/**/*.tsx", "!../src/**/*.test.ts", "!../src/events/**"], {
  query: "?raw",
  import: "default",
  eager: true,
});

const EVENT_NAME = /^[a-z_]+\.[a-z_]+$/;

/** The text of a call starting at `open` (the index of its "("), up to the matching ")". */
function callText(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

interface Emitted {
  literals: Map<string, string>; // type -> file
  prefixes: Map<string, string>; // `channel.` for type: `channel.${action}` -> file
}

/** Every outbox event type the source tree writes, read from its text. */
function emittedTypes(): Emitted {
  const literals = new Map<string, string>();
  const prefixes = new Map<string, string>();
  for (const [file, text] of Object.entries(sources)) {
    // TypeScript: the string literals inside emitEvent(...) / emitEvents(...) and recordChange(...) calls,
    // and `type: "…"` of event objects built before an emitEvents call in the same file (live socket
    // notifications, `.notify(` / `broadcast(`, are another channel and skipped).
    for (const m of text.matchAll(/\b(emitEvents?|recordChange)\s*\(/g)) {
      if (text.slice(Math.max(0, m.index - 20), m.index).includes("function")) continue;
      const call = callText(text, m.index + m[0].length - 1);
      // A change recorded without `event:` is an audit row only, not an outbox event.
      if (m[1] === "recordChange" && !/\bevent:/.test(call)) continue;
      const keys = m[1] === "recordChange" ? /\baction:\s*"([^"]+)"/g : /"([^"]+)"/g;
      for (const lit of call.matchAll(keys)) if (EVENT_NAME.test(lit[1]!)) literals.set(lit[1]!, file);
      for (const t of call.matchAll(/\btype:\s*`([a-z_]+\.)\$\{/g)) prefixes.set(t[1]!, file);
    }
    if (/\bemitEvents?\s*\(/.test(text)) {
      for (const line of text.split("\n")) {
        if (/\.notify\(|broadcast\(/.test(line)) continue;
        for (const lit of line.matchAll(/\btype:\s*"([^"]+)"/g)) if (EVENT_NAME.test(lit[1]!)) literals.set(lit[1]!, file);
      }
    }
    // SQL: the type literal of every `insert into outbox_events ... select ..., '<type>'`.
    for (const m of text.matchAll(/insert into outbox_events[^;`]*?'([a-z_]+\.[a-z_]+)'/gi)) literals.set(m[1]!, file);
  }
  return { literals, prefixes };
}

describe("outbox event catalog", () => {
  it("declares every event type a queue handler consumes", () => {
    const undeclared = Object.keys(OUTBOX_HANDLERS).filter((type) => !isEventType(type));
    expect(undeclared).toEqual([]);
  });

  it("gives every declared type a registered consumer or a reason it has none", () => {
    for (const type of EVENT_TYPES) {
      const entry = EVENT_CATALOG[type] as { consumer?: string; unconsumed?: string };
      const consumed = Object.hasOwn(OUTBOX_HANDLERS, type);
      // Exactly one: a consumer that is really registered, or a reason (and then no handler).
      if (entry.consumer) expect(consumed, `${type} says it has a consumer, but OUTBOX_HANDLERS has none`).toBe(true);
      else expect(entry.unconsumed?.trim(), `${type} has no consumer and no reason`).toBeTruthy();
      if (consumed) expect(entry.consumer, `${type} is consumed; mark it consumer: "handler"`).toBe("handler");
    }
  });

  it("declares every event type the source emits, in TypeScript and in SQL", () => {
    const { literals, prefixes } = emittedTypes();
    // The scan itself must keep finding the known emitters, or the check below would pass on nothing.
    for (const known of ["tenant.created", "message.outbound", "message.sent", "message.failed", "message.received", "message_group.ready", "conversation.state_changed", "ticket.created", "reservation.updated", "escalation.created"]) {
      expect([...literals.keys()], `the scan no longer sees ${known}`).toContain(known);
    }
    expect([...prefixes.keys()]).toEqual(expect.arrayContaining(["channel.", "contact.", "member."]));
    const undeclared = [...literals].filter(([type]) => !isEventType(type)).map(([type, file]) => `${type} (${file})`);
    expect(undeclared).toEqual([]);
    // A template type (`channel.${action}`) is checked by the compiler against the catalog; here, that
    // the catalog has the family at all.
    for (const [prefix, file] of prefixes) expect(EVENT_TYPES.some((t) => t.startsWith(prefix)), `${prefix}* (${file})`).toBe(true);
  });

  it("matches the payloads real events carry", async () => {
    const t = await createTenant();
    const ch = await createApiChannel(t);
    await postSigned(ch, apiMessage());
    const rows = await eventually(async () => {
      const r = await ownerQuery<{ type: string; payload: Record<string, unknown> }>("select type, payload from outbox_events where tenant_id = $1", [t.id]);
      expect(r.map((e) => e.type)).toEqual(expect.arrayContaining(["tenant.created", "channel.created", "message.received", "message_group.ready"]));
      return r;
    });
    for (const row of rows) {
      expect(isEventType(row.type), row.type).toBe(true);
      const parsed = EVENT_CATALOG[row.type as keyof typeof EVENT_CATALOG].payload.safeParse(row.payload);
      expect(parsed.success, `${row.type}: ${JSON.stringify(row.payload)} ${parsed.error?.message ?? ""}`).toBe(true);
    }
  });
});
