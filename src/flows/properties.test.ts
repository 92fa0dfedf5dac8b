import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { edgesOf, FlowDefinitionSchema, type FlowDefinition, type FlowNode } from "./definition";
import { run, type FlowState } from "./interpreter";
import { recordingPorts } from "./test-ports";
import { validateFlow } from "./validate";

// Random graphs over n0..nK whose targets always exist (index modulo the node count), pruned to what
// the start reaches: the only way left for one to fail validation is a cycle that never pauses.
const t = fc.nat(20);
const shape = fc.oneof(
  fc.record({ type: fc.constant("message"), next: fc.option(t, { nil: undefined }) }),
  fc.record({ type: fc.constant("set"), next: fc.option(t, { nil: undefined }) }),
  fc.record({ type: fc.constant("condition"), branches: fc.array(t, { maxLength: 2 }), else: t }),
  fc.record({ type: fc.constant("ask"), next: t }),
  fc.record({ type: fc.constant("wait"), next: t }),
  fc.record({ type: fc.constant("end") }),
);

function build(shapes: Array<Record<string, unknown>>): FlowDefinition {
  const id = (i: unknown) => `n${(i as number) % shapes.length}`;
  const nodes: Record<string, FlowNode> = {};
  shapes.forEach((s, i) => {
    const next = s.next === undefined ? undefined : id(s.next);
    const n: Record<string, unknown> =
      s.type === "message" ? { type: "message", text: "hi", next }
      : s.type === "set" ? { type: "set", assign: { x: 1 }, next }
      : s.type === "condition" ? { type: "condition", branches: (s.branches as number[]).map((b) => ({ when: { var: "vars.x", op: "exists" }, next: id(b) })), else: id(s.else) }
      : s.type === "ask" ? { type: "ask", text: "?", save_as: "answer", next }
      : s.type === "wait" ? { type: "wait", seconds: 5, next }
      : { type: "end" };
    nodes[`n${i}`] = JSON.parse(JSON.stringify(n));
  });
  const reached = new Set<string>();
  const stack = ["n0"];
  while (stack.length) {
    const n = stack.pop()!;
    if (reached.has(n)) continue;
    reached.add(n);
    stack.push(...edgesOf(nodes[n]!).map((e) => e.to));
  }
  return FlowDefinitionSchema.parse({ start: "n0", nodes: Object.fromEntries(Object.entries(nodes).filter(([k]) => reached.has(k))) });
}

describe("validated flows", () => {
  it("never hit the step budget, whatever the customer sends and whenever timers fire", async () => {
    let validated = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(shape, { minLength: 1, maxLength: 8 }), fc.array(fc.constantFrom("hello", "yes", ""), { maxLength: 4 }), async (shapes, texts) => {
        const def = build(shapes);
        if (validateFlow(def).length > 0) {
          refused++;
          return;
        }
        validated++;
        let state: FlowState | undefined;
        for (const [i, text] of ["first", ...texts].entries()) {
          // An empty text stands for the durable timer firing, ten seconds after the previous run.
          const r = await run(def, state, { messages: text ? [{ text }] : [], now: i * 10_000, timer: text === "" }, recordingPorts().ports, { maxSteps: 50 });
          expect(r.outcome).not.toBe("error");
          state = r.state;
        }
      }),
      { numRuns: 400 },
    );
    // The property says nothing unless both kinds of graph came up often enough.
    expect(validated).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(20);
  });
});
