import type { FlowPorts } from "./interpreter";

/** Ports that record what a flow asked for and answer from fixed data (tests only). */
export function recordingPorts(overrides: Partial<FlowPorts> = {}) {
  const calls: Array<{ port: keyof FlowPorts; arg: unknown }> = [];
  const ports: FlowPorts = {
    async knowledgeAnswer(q) {
      calls.push({ port: "knowledgeAnswer", arg: q });
      return null;
    },
    async createTicket(t) {
      calls.push({ port: "createTicket", arg: t });
      return { id: "t-1", ticket_number: "T-1001" };
    },
    async escalate(e) {
      calls.push({ port: "escalate", arg: e });
    },
    async reserve(r) {
      calls.push({ port: "reserve", arg: r });
      return { ok: true, confirmation_code: "ABC123" };
    },
    async http(r) {
      calls.push({ port: "http", arg: r });
      return { status: 200, body: { ok: true } };
    },
    ...overrides,
  };
  return { ports, calls };
}
