import { describe, expect, it } from "vitest";
import { defaultFlowDefinition } from "../../tenants/default-flow";
import type { FlowDefinition } from "./definition";
import { run, type FlowInput, type FlowState } from "./interpreter";
import { recordingPorts } from "./test-ports";
import { validateFlow } from "./validate";

const NOW = Date.parse("2026-12-01T10:00:00Z");
const input = (text: string | null, extra: Partial<FlowInput> = {}): FlowInput => ({ messages: text === null ? [] : [{ text }], now: NOW, ...extra });

const askFlow: FlowDefinition = {
  start: "ask_email",
  nodes: {
    ask_email: { type: "ask", text: "Your email?", invalid_text: "That is not an email, try again", save_as: "email", validate: "email", max_attempts: 2, timeout_s: 600, next: "thanks", on_timeout: "bye", on_invalid: "bye" },
    thanks: { type: "message", text: "Thanks, we will write to {{vars.email}}" },
    bye: { type: "message", text: "Bye" },
  },
};

describe("default flow", () => {
  it("passes its own validation", () => {
    expect(validateFlow(defaultFlowDefinition())).toEqual([]);
  });

  for (const [lang, text, greeting] of [
    ["es", "hola", "¡Hola!"],
    ["en", "hi", "Hello!"],
    ["pt", "olá", "Olá!"],
    ["fr", "bonjour", "Bonjour !"],
    ["de", "hallo", "Hallo!"],
    ["it", "ciao", "Ciao!"],
  ] as const) {
    it(`greets a ${lang} greeting in ${lang} and then waits for the question`, async () => {
      const { ports, calls } = recordingPorts();
      const r = await run(defaultFlowDefinition(), undefined, input(text, { annotations: { language: lang } }), ports);
      expect(r.replies).toHaveLength(1);
      expect(r.replies[0]!.text.startsWith(greeting)).toBe(true);
      expect(r.outcome).toBe("ended");
      expect(calls).toEqual([]);
    });
  }

  for (const text of ["quiero hablar con una persona", "I want to talk to a human", "Posso falar com um atendente?", "Je veux parler à un conseiller", "Ich möchte mit einem Menschen sprechen", "Vorrei parlare con un operatore"]) {
    it(`escalates at once on "${text}"`, async () => {
      const { ports, calls } = recordingPorts();
      const r = await run(defaultFlowDefinition(), undefined, input(text), ports);
      expect(r.outcome).toBe("escalated");
      expect(calls.map((c) => c.port)).toEqual(["escalate"]);
      expect(r.state.done).toBe("escalated");
    });
  }

  it("escalates at once on P1 and on anger, in the conversation's language", async () => {
    const p1 = await run(defaultFlowDefinition(), undefined, input("se cayó todo el sistema", { annotations: { language: "es", priority: "P1" } }), recordingPorts().ports);
    expect(p1.outcome).toBe("escalated");
    expect(p1.replies[0]!.text).toContain("Te paso con una persona");
    const angry = await run(defaultFlowDefinition(), undefined, input("this is ridiculous", { annotations: { language: "en", sentiment: { score: -0.9, label: "angry" } } }), recordingPorts().ports);
    expect(angry.outcome).toBe("escalated");
  });

  it("answers from knowledge when it can", async () => {
    const { ports } = recordingPorts({ knowledgeAnswer: async () => ({ answer: "We open at 9.", confident: true }) });
    const r = await run(defaultFlowDefinition(), undefined, input("when do you open?", { annotations: { language: "en" } }), ports);
    expect(r.replies.map((x) => x.text)).toEqual(["Hello! I'm the virtual assistant. How can I help you today?", "We open at 9."]);
    expect(r.outcome).toBe("ended");
  });

  it("offers a human when knowledge has no answer, and escalates on yes", async () => {
    const flow = defaultFlowDefinition();
    const first = await run(flow, undefined, input("¿cuánto cuesta el envío?", { annotations: { language: "es" } }), recordingPorts().ports);
    expect(first.outcome).toBe("waiting");
    expect(first.replies.at(-1)!.text).toContain("¿Quieres hablar con una persona?");
    expect(first.timer?.node).toBe("offer_human");
    const yes = await run(flow, first.state, input("sí, por favor", { annotations: { language: "es" } }), recordingPorts().ports);
    expect(yes.outcome).toBe("escalated");
  });

  it("hands off on a request for a person while it waits for a yes or no, as it would at the start", async () => {
    const flow = defaultFlowDefinition();
    const asked = await run(flow, undefined, input("¿cuánto cuesta el envío?", { annotations: { language: "es" } }), recordingPorts().ports);
    expect(asked.timer?.node).toBe("offer_human");
    const { ports, calls } = recordingPorts();
    const person = await run(flow, asked.state, input("quiero hablar con una persona", { annotations: { language: "es" } }), ports);
    expect(person.outcome).toBe("escalated");
    expect(person.replies.map((x) => x.text)).toEqual(["Te paso con una persona de nuestro equipo. Te responderá aquí en breve."]);
    expect(calls.map((c) => c.port)).toEqual(["escalate"]);
  });

  it("takes an answer that is neither yes nor no as a new question", async () => {
    const flow = defaultFlowDefinition();
    const asked = await run(flow, undefined, input("do you ship abroad?", { annotations: { language: "en" } }), recordingPorts().ports);
    const { ports } = recordingPorts({ knowledgeAnswer: async () => ({ answer: "We open at 9.", confident: true }) });
    const next = await run(flow, asked.state, input("when do you open?", { annotations: { language: "en" } }), ports);
    expect(next.replies.map((x) => x.text)).toEqual(["We open at 9."]);
    expect(next.outcome).toBe("ended");
    // Without an answer either, it offers a person again rather than handing off unasked.
    const again = await run(flow, asked.state, input("and gift wrapping?", { annotations: { language: "en" } }), recordingPorts().ports);
    expect(again.outcome).toBe("waiting");
    expect(again.replies.map((x) => x.text)).toEqual(["I couldn't find an answer to that. Would you like to talk to a person? (yes/no)"]);
    expect(again.timer?.node).toBe("offer_human");
    const yes = await run(flow, again.state, input("yes", { annotations: { language: "en" } }), recordingPorts().ports);
    expect(yes.outcome).toBe("escalated");
  });

  for (const text of ["hola", "Hola, buenos días", "hi!", "Bom dia, olá"]) {
    it(`answers the greeting "${text}" with the greeting alone`, async () => {
      const { ports, calls } = recordingPorts();
      const r = await run(defaultFlowDefinition(), undefined, input(text), ports);
      expect(r.replies).toHaveLength(1);
      expect(calls.map((c) => c.port)).not.toContain("knowledgeAnswer");
      expect(r.outcome).toBe("ended");
    });
  }

  for (const [text, lang, start] of [["gracias!", "es", "¡De nada!"], ["ok, thanks a lot", "en", "You're welcome!"], ["Muito obrigada 🙏", "pt", "De nada!"], ["merci beaucoup", "fr", "Avec plaisir"]] as const) {
    it(`answers "${text}" with a you're-welcome, not a search or the offer of a person`, async () => {
      const { ports, calls } = recordingPorts();
      const r = await run(defaultFlowDefinition(), undefined, input(text, { annotations: { language: lang } }), ports);
      expect(r.replies.map((x) => x.text)).toHaveLength(1);
      expect(r.replies[0]!.text.startsWith(start)).toBe(true);
      expect(calls.map((c) => c.port)).not.toContain("knowledgeAnswer");
      expect(r.outcome).toBe("ended");
    });
  }

  it("takes a thanks with a question in it as a question", async () => {
    const { ports, calls } = recordingPorts();
    const r = await run(defaultFlowDefinition(), undefined, input("thanks, but where is my order?", { annotations: { language: "en" } }), ports);
    expect(r.replies.some((x) => x.text.startsWith("You're welcome"))).toBe(false);
    expect(calls.map((c) => c.port)).toContain("knowledgeAnswer");
  });

  it("does not greet twice in one conversation", async () => {
    const flow = defaultFlowDefinition();
    const first = await run(flow, undefined, input("hola", { annotations: { language: "es" } }), recordingPorts().ports);
    const second = await run(flow, first.state, input("¿tienen envío gratis?", { annotations: { language: "es" } }), recordingPorts().ports);
    expect(second.replies.some((x) => x.text.startsWith("¡Hola!"))).toBe(false);
  });

  it("greets again, and searches nothing, when a customer greeted before only says hello again", async () => {
    const flow = defaultFlowDefinition();
    const first = await run(flow, undefined, input("hola", { annotations: { language: "es" } }), recordingPorts().ports);
    const { ports, calls } = recordingPorts();
    const again = await run(flow, first.state, input("Hola, buenos días", { annotations: { language: "es" } }), ports);
    expect(again.replies.map((x) => x.text)).toEqual([first.replies[0]!.text]);
    expect(calls.map((c) => c.port)).not.toContain("knowledgeAnswer");
    expect(again.outcome).toBe("ended");
  });

  it("falls back to the contact's language when the text is too short to tell", async () => {
    const r = await run(defaultFlowDefinition(), undefined, input("ok", { annotations: { language: "und" }, contact: { language: "de" } }), recordingPorts().ports);
    expect(r.replies[0]!.text.startsWith("Hallo!")).toBe(true);
  });
});

describe("ask", () => {
  it("re-asks on an invalid answer and saves a valid one", async () => {
    const asked = await run(askFlow, undefined, input("hi"), recordingPorts().ports);
    expect(asked.replies).toEqual([{ text: "Your email?" }]);
    const invalid = await run(askFlow, asked.state, input("not an email"), recordingPorts().ports);
    expect(invalid.outcome).toBe("waiting");
    expect(invalid.replies).toEqual([{ text: "That is not an email, try again" }]);
    const valid = await run(askFlow, invalid.state, input(" Jane@Example.com "), recordingPorts().ports);
    expect(valid.replies).toEqual([{ text: "Thanks, we will write to jane@example.com" }]);
    expect(valid.state.vars.email).toBe("jane@example.com");
  });

  it("gives up after max_attempts invalid answers", async () => {
    let r = await run(askFlow, undefined, input("hi"), recordingPorts().ports);
    r = await run(askFlow, r.state, input("nope"), recordingPorts().ports);
    r = await run(askFlow, r.state, input("still nope"), recordingPorts().ports);
    expect(r.replies).toEqual([{ text: "Bye" }]);
    expect(r.outcome).toBe("ended");
  });

  it("asks for a timer and takes on_timeout when it fires after the deadline", async () => {
    const asked = await run(askFlow, undefined, input("hi"), recordingPorts().ports);
    expect(asked.timer).toEqual({ at: new Date(NOW + 600_000).toISOString(), node: "ask_email" });
    const early = await run(askFlow, asked.state, input(null, { timer: true, now: NOW + 1000 }), recordingPorts().ports);
    expect(early.outcome).toBe("waiting");
    expect(early.replies).toEqual([]);
    const late = await run(askFlow, asked.state, input(null, { timer: true, now: NOW + 600_000 }), recordingPorts().ports);
    expect(late.replies).toEqual([{ text: "Bye" }]);
  });

  it("maps a one_of answer to its canonical value", async () => {
    const flow: FlowDefinition = { start: "q", nodes: { q: { type: "ask", text: "Sure?", save_as: "ok", validate: { one_of: { yes: ["sí", "oui"], no: ["non"] } }, next: "e" }, e: { type: "end" } } };
    const asked = await run(flow, undefined, input("x"), recordingPorts().ports);
    const r = await run(flow, asked.state, input("Si, claro"), recordingPorts().ports);
    expect(r.state.vars.ok).toBe("yes");
  });
});

describe("runs", () => {
  it("resumes a wait only when its timer fires, then continues", async () => {
    const flow: FlowDefinition = { start: "w", nodes: { w: { type: "wait", seconds: 60, next: "m" }, m: { type: "message", text: "Back" } } };
    const waiting = await run(flow, undefined, input("x"), recordingPorts().ports);
    expect(waiting.timer?.at).toBe(new Date(NOW + 60_000).toISOString());
    const message = await run(flow, waiting.state, input("are you there?"), recordingPorts().ports);
    expect(message.outcome).toBe("waiting");
    const fired = await run(flow, waiting.state, input(null, { timer: true, now: NOW + 60_000 }), recordingPorts().ports);
    expect(fired.replies).toEqual([{ text: "Back" }]);
  });

  it("stops a runaway graph at the step budget with outcome error", async () => {
    const loop: FlowDefinition = { start: "a", nodes: { a: { type: "set", assign: { x: 1 }, next: "b" }, b: { type: "set", assign: { y: 2 }, next: "a" } } };
    const r = await run(loop, undefined, input("x"), recordingPorts().ports, { maxSteps: 10 });
    expect(r.outcome).toBe("error");
    expect(r.steps).toHaveLength(11);
    expect(r.steps.at(-1)!.detail).toMatchObject({ error: expect.stringContaining("10 steps") });
  });

  it("branches on CEL and structured conditions and renders variables", async () => {
    const flow: FlowDefinition = {
      start: "c",
      nodes: {
        c: { type: "condition", branches: [{ when: 'urgency_score > 0.8 && language == "es"', next: "urgent" }, { when: { var: "contact.name", op: "exists" }, next: "named" }], else: "plain" },
        urgent: { type: "message", text: "Urgente" },
        named: { type: "set", assign: { who: "{{contact.name}}" }, next: "hello" },
        hello: { type: "message", text: "Hi {{vars.who}}, {{annotations.intent}}" },
        plain: { type: "message", text: "Hi" },
      },
    };
    const urgent = await run(flow, undefined, input("x", { annotations: { language: "es", urgency: 0.9 } }), recordingPorts().ports);
    expect(urgent.replies).toEqual([{ text: "Urgente" }]);
    const named = await run(flow, undefined, input("x", { annotations: { language: "es", urgency: 0.2, intent: "how_to_guidance" }, contact: { name: "Ana" } }), recordingPorts().ports);
    expect(named.replies).toEqual([{ text: "Hi Ana, how_to_guidance" }]);
    expect(named.steps.map((s) => s.outcome)).toEqual(["branch 1", "assigned", "replied"]);
  });

  it("goes through ports for tickets, reservations and http, and takes on_error when http fails", async () => {
    const flow: FlowDefinition = {
      start: "t",
      nodes: {
        t: { type: "create_ticket", title: "Help {{contact.name}}", priority: "P2", next: "r" },
        r: { type: "reservation", slot_date: "2026-12-24", slot_time: "20:00", party_size: 2, next: "h", on_unavailable: "full" },
        h: { type: "http", url: "https://api.example.com/orders/{{vars.ticket_number}}", save_as: "order", next: "ok", on_error: "failed" },
        ok: { type: "message", text: "Ticket {{vars.ticket_number}}, booking {{vars.confirmation_code}}" },
        failed: { type: "message", text: "Lookup failed" },
        full: { type: "message", text: "Full" },
      },
    };
    const { ports, calls } = recordingPorts({ http: async () => ({ status: 503, body: null }) });
    const r = await run(flow, undefined, input("x", { contact: { name: "Ana" } }), ports);
    expect(calls.map((c) => c.port)).toEqual(["createTicket", "reserve"]);
    expect(r.actions.map((a) => a.type)).toEqual(["create_ticket", "reservation", "http"]);
    expect(r.actions[2]).toMatchObject({ url: "https://api.example.com/orders/T-1001", method: "GET", status: 503 });
    expect(r.replies).toEqual([{ text: "Lookup failed" }]);
  });

  it("stays silent once escalated", async () => {
    const { ports, calls } = recordingPorts();
    const state: FlowState = { node: null, vars: {}, steps_taken: 3, done: "escalated" };
    const r = await run(defaultFlowDefinition(), state, input("hola?"), ports);
    expect(r).toMatchObject({ outcome: "escalated", replies: [], steps: [] });
    expect(calls).toEqual([]);
  });
});
