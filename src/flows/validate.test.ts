import { describe, expect, it } from "vitest";
import { evaluateCondition, patternProblem, type ConditionScope } from "./conditions";
import { parseDefinition, type FlowDefinition } from "./definition";
import { httpTargetProblem, isPrivateAddress } from "./http-target";
import { validateFlow } from "./validate";

const problemsOf = (def: unknown) => {
  const parsed = parseDefinition(def);
  return parsed.ok ? validateFlow(parsed.definition) : parsed.problems;
};

describe("validateFlow", () => {
  it("names a node whose next points nowhere", () => {
    expect(problemsOf({ start: "a", nodes: { a: { type: "message", text: "Hi", next: "b" } } })).toEqual([{ node: "a", problem: "next points to missing node b" }]);
  });

  it("reports a missing start and unreachable nodes", () => {
    expect(problemsOf({ start: "x", nodes: { a: { type: "end" } } })).toEqual([{ node: null, problem: "start node x does not exist" }]);
    expect(problemsOf({ start: "a", nodes: { a: { type: "end" }, lost: { type: "end" } } })).toEqual([{ node: "lost", problem: "is not reachable from the start" }]);
  });

  it("rejects a cycle that never pauses but accepts one through an ask", () => {
    const spin = problemsOf({ start: "a", nodes: { a: { type: "message", text: "x", next: "b" }, b: { type: "set", assign: { n: 1 }, next: "a" } } });
    expect(spin).toEqual([{ node: "a", problem: expect.stringContaining("cycle with no ask or wait: a → b → a") }]);
    expect(problemsOf({ start: "a", nodes: { a: { type: "ask", text: "?", save_as: "x", next: "b" }, b: { type: "message", text: "again", next: "a" } } })).toEqual([]);
  });

  it("allows http only to public https hosts", () => {
    const http = (url: string) => problemsOf({ start: "h", nodes: { h: { type: "http", url, next: "e" }, e: { type: "end" } } });
    expect(http("https://api.example.com/x")).toEqual([]);
    for (const url of ["http://api.example.com/x", "https://127.0.0.1/", "https://10.1.2.3/", "https://[::1]/", "https://169.254.169.254/latest", "https://localhost/", "https://db.internal/", "https://printer.local/", "https://[fd00::1]/", "https://0x7f.0.0.1/"]) {
      expect(http(url), url).toEqual([{ node: "h", problem: expect.any(String) }]);
    }
  });

  it("knows which variables a text may use", () => {
    const ok = problemsOf({ start: "q", nodes: { q: { type: "ask", text: "Name?", save_as: "name", next: "m" }, m: { type: "message", text: "Hi {{vars.name}} {{contact.name}} {{annotations.intent}}" } } });
    expect(ok).toEqual([]);
    const bad = problemsOf({ start: "m", nodes: { m: { type: "message", text: { en: "Hi {{vars.name}}", es: "Hola {{secrets.key}}" } } } });
    expect(bad.map((p) => p.node)).toEqual(["m", "m"]);
    expect(bad[0]!.problem).toContain("{{vars.name}}");
    expect(bad[1]!.problem).toContain("{{secrets.key}}");
  });

  it("names a node whose CEL does not compile or whose pattern could backtrack forever", () => {
    const bad = problemsOf({
      start: "c",
      nodes: { c: { type: "condition", branches: [{ when: "urgency_score >", next: "e" }, { when: { var: "message.text", op: "matches", value: "(a+)+$" }, next: "e" }], else: "e" }, e: { type: "end" } },
    });
    expect(bad).toEqual([
      { node: "c", problem: expect.stringContaining("CEL does not compile") },
      { node: "c", problem: expect.stringContaining("nests a quantifier") },
    ]);
  });

  it("names the node a schema error is in", () => {
    expect(problemsOf({ start: "a", nodes: { a: { type: "teleport" } } })).toEqual([{ node: "a", problem: expect.any(String) }]);
  });
});

describe("seed 001 shape", () => {
  it("converts actions and conditional consequences into contract nodes", () => {
    const parsed = parseDefinition({
      start_node_id: "node_start",
      nodes: [
        { id: "node_start", action: { type: "reply", payload: { text: "Hi" } }, consequences: [{ condition: "urgency_score > 0.8", next_node_id: "node_escalate" }, { condition: null, next_node_id: "node_ticket" }] },
        { id: "node_ticket", action: { type: "create_ticket", payload: { title: "Follow up" } }, consequences: [{ next_node_id: "node_end" }] },
        { id: "node_escalate", action: { type: "escalate_human", payload: { reason: "urgent" } } },
        { id: "node_end", action: { type: "end" } },
      ],
    });
    expect(parsed.ok).toBe(true);
    const def = (parsed as { definition: FlowDefinition }).definition;
    expect(def.start).toBe("node_start");
    expect(def.nodes.node_start).toEqual({ type: "message", text: "Hi", next: "node_start__route" });
    expect(def.nodes.node_start__route).toEqual({ type: "condition", branches: [{ when: "urgency_score > 0.8", next: "node_escalate" }], else: "node_ticket" });
    expect(def.nodes.node_escalate).toEqual({ type: "escalate", reason: "urgent" });
    expect(validateFlow(def)).toEqual([]);
  });
});

describe("conditions", () => {
  const scope = (over: Partial<ConditionScope> = {}): ConditionScope => ({
    annotations: { priority: "P2" }, intent: "unknown", sentiment: "neutral", sentiment_score: 0, urgency_score: 0.5, priority: "P2", language: "es",
    contact: { name: "Ana" }, vars: { count: 3 }, message: { text: "Quiero HABLAR con una persona" }, channel: { type: "webchat" }, ...over,
  });

  it("evaluates every structured operator", () => {
    const s = scope();
    const t = (c: Parameters<typeof evaluateCondition>[0]) => evaluateCondition(c, s);
    expect([t({ var: "priority", op: "eq", value: "P2" }), t({ var: "priority", op: "neq", value: "P2" }), t({ var: "priority", op: "in", value: ["P1", "P2"] })]).toEqual([true, false, true]);
    expect([t({ var: "vars.count", op: "gt", value: 2 }), t({ var: "vars.count", op: "gte", value: 4 }), t({ var: "urgency_score", op: "lt", value: 0.6 }), t({ var: "urgency_score", op: "lte", value: 0.4 })]).toEqual([true, false, true, false]);
    expect([t({ var: "message.text", op: "contains", value: ["hablar con una persona"] }), t({ var: "message.text", op: "matches", value: "^quiero" }), t({ var: "vars.missing", op: "exists" })]).toEqual([true, true, false]);
    expect(t({ all: [{ var: "channel.type", op: "eq", value: "webchat" }, { not: { var: "language", op: "eq", value: "en" } }] })).toBe(true);
    expect(t({ any: [{ var: "priority", op: "eq", value: "P0" }, 'contact.name == "Ana"'] })).toBe(true);
  });

  it("treats a CEL expression that fails at run time as false", () => {
    expect(evaluateCondition('vars.missing == "x"', scope())).toBe(false);
    expect(evaluateCondition("has(vars.count) && vars.count > 2", scope())).toBe(true);
  });

  it("refuses to run patterns that could backtrack catastrophically", () => {
    expect(patternProblem("(a+)+$")).not.toBeNull();
    expect(patternProblem("(a|aa)*")).not.toBeNull();
    expect(patternProblem("(x)\\1")).not.toBeNull();
    expect(patternProblem("^(hola|hi)[!. ]*$")).toBeNull();
    expect(evaluateCondition({ var: "message.text", op: "matches", value: "(a+)+$" }, scope({ message: { text: `${"a".repeat(40)}!` } }))).toBe(false);
  });
});

describe("http targets", () => {
  it("recognises private, loopback and mapped addresses", () => {
    for (const a of ["127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.1.1", "100.64.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "0.0.0.0"]) expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ["8.8.8.8", "1.1.1.1", "2606:4700::1111", "172.32.0.1"]) expect(isPrivateAddress(a), a).toBe(false);
  });

  it("refuses credentials in the URL and variables in the host", () => {
    expect(httpTargetProblem("https://user:pw@api.example.com/")).toContain("credentials");
    expect(httpTargetProblem("https://{{vars.host}}/x")).toContain("host");
    expect(httpTargetProblem("https://api.example.com/orders/{{vars.id}}")).toBeNull();
  });
});
