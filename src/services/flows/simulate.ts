import { z } from "@hono/zod-openapi";
import { parseDefinition } from "../../flows/definition";
import { fold } from "../../flows/conditions";
import { run, type Annotations, type FlowPorts, type FlowState } from "../../flows/interpreter";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { findFlow } from "./flows";
import { flowInvalid } from "./model";
import { flowVersions } from "../../db/schema";
import { and, desc, eq } from "drizzle-orm";
import { notFound } from "../../lib/errors";
import { understandOffline } from "../../understanding";
import { knowledgePortFor } from "../knowledge/query";

export const SimulateInput = z
  .object({
    messages: z.array(z.string().min(1).max(4000)).min(1).max(20),
    version: z.number().int().min(1).optional().openapi({ description: "Defaults to the latest version (the draft being edited)" }),
    contact: z
      .object({ name: z.string().max(200).optional(), language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/).optional(), attributes: z.record(z.string().max(64), z.unknown()).optional() })
      .optional(),
  })
  .openapi("FlowSimulation");
export type SimulateInput = z.infer<typeof SimulateInput>;

export const SimulationSchema = z
  .object({
    version: z.number().int(),
    replies: z.array(z.string()),
    steps: z.array(z.object({ message: z.number().int(), node: z.string(), type: z.string(), outcome: z.string(), detail: z.record(z.string(), z.unknown()).optional() })),
    actions: z.array(z.record(z.string(), z.unknown())),
    outcome: z.enum(["waiting", "ended", "escalated", "error"]),
    /** Each customer message with what the bot answered to it, for a chat-like view. */
    turns: z.array(z.object({ message: z.string(), replies: z.array(z.string()), outcome: z.enum(["waiting", "ended", "escalated", "error"]) })),
    variables: z.record(z.string(), z.unknown()),
  })
  .openapi("FlowSimulationResult");
export type Simulation = z.infer<typeof SimulationSchema>;

/**
 * Ports with every side effect off: nothing is sent or stored, and the steps say so. The one real call
 * is `knowledge_answer`, a read: the simulator answers from the workspace's knowledge exactly as the bot
 * would (public passages only, confident or nothing), without logging or metering it as a query. Its
 * answers are extractive even where a model writes the bot's: a rehearsal makes no paid call.
 */
const simulatedPorts = (ctx: ServiceContext): FlowPorts => ({
  knowledgeAnswer: (q) => withTenant(ctx, "flows:read", (tx, p) => knowledgePortFor(ctx, tx, p.tenant.id, { conversationId: null, channel: "simulator", unrecorded: true })(q)),
  createTicket: async () => ({ id: "simulated", ticket_number: "SIM-0001" }),
  escalate: async () => {},
  reserve: async () => ({ ok: true, confirmation_code: "SIMULATED" }),
  http: async () => ({ status: 200, body: { simulated: true } }),
});

// The fallback when the offline annotator cannot tell (or fails): common words per language, enough
// for the greetings and requests the simulator is mostly fed.
const LEXICON: Record<string, string[]> = {
  es: ["hola", "quiero", "hablar", "persona", "gracias", "necesito", "ayuda", "cuanto", "cuesta", "envio", "pedido", "tengo", "buenos", "dias", "por favor", "donde", "esta", "mi", "una", "con"],
  en: ["hi", "hello", "want", "talk", "human", "help", "order", "please", "thanks", "the", "is", "my", "what", "how", "where", "can", "you", "i", "to"],
  pt: ["ola", "oi", "quero", "falar", "atendente", "obrigado", "obrigada", "preciso", "ajuda", "meu", "voce", "nao", "bom dia", "pedido", "com", "um", "uma"],
  fr: ["bonjour", "salut", "je", "veux", "parler", "conseiller", "merci", "besoin", "aide", "mon", "vous", "est", "commande", "une", "un"],
  de: ["hallo", "ich", "mochte", "mit", "einem", "menschen", "sprechen", "danke", "bitte", "hilfe", "mein", "nicht", "ist", "bestellung", "guten"],
  it: ["ciao", "buongiorno", "vorrei", "parlare", "operatore", "grazie", "aiuto", "mio", "sono", "non", "ordine", "per favore", "con", "un"],
};

export function standInAnnotations(text: string): Annotations {
  const words = fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const joined = ` ${words.join(" ")} `;
  let best = "und";
  let bestScore = 0;
  let tie = false;
  for (const [lang, lexicon] of Object.entries(LEXICON)) {
    const score = lexicon.filter((w) => joined.includes(` ${w} `)).length;
    if (score > bestScore) [best, bestScore, tie] = [lang, score, false];
    else if (score === bestScore && score > 0) tie = true;
  }
  return { language: tie ? "und" : best, intent: "unknown", sentiment: { score: 0, label: "neutral" }, urgency: 0, priority: "P3", entities: [], source: "simulator" };
}

/**
 * The simulator annotates with the offline annotator only: no provider call, no budget spent, nothing
 * cached. A text too short for it to place falls back to the word list above.
 */
async function annotateForSimulation(text: string, contactLanguage: string | undefined): Promise<Annotations> {
  const fallback = standInAnnotations(text);
  try {
    const a = (await understandOffline(text, contactLanguage ? { contactLanguage } : {})) as unknown as Annotations;
    return a.language && a.language !== "und" ? a : { ...a, language: fallback.language };
  } catch {
    return fallback;
  }
}

/**
 * Runs a flow version on a list of customer messages, one group each, exactly as a conversation
 * would, but with side effects off. Nothing is sent or stored.
 */
export async function simulateFlow({ ctx, input }: { ctx: ServiceContext; input: { id: string } & SimulateInput }): Promise<Simulation> {
  const version = await withTenant(ctx, "flows:read", async (tx) => {
    const flow = await findFlow(tx, input.id);
    const filter = input.version === undefined ? eq(flowVersions.flowId, flow.id) : and(eq(flowVersions.flowId, flow.id), eq(flowVersions.version, input.version));
    const [row] = await tx.select().from(flowVersions).where(filter).orderBy(desc(flowVersions.version)).limit(1);
    if (!row) throw notFound(`Version ${input.version} of the flow`);
    return row;
  });
  const parsed = parseDefinition(version.definition);
  if (!parsed.ok) throw flowInvalid(parsed.problems, `Version ${version.version} cannot be simulated`);

  const contact = { ...(input.contact?.name && { name: input.contact.name }), language: input.contact?.language ?? null, attributes: input.contact?.attributes ?? {} };
  let state: FlowState | undefined;
  const out: Simulation = { version: version.version, replies: [], steps: [], actions: [], outcome: "ended", turns: [], variables: {} };
  const ports = simulatedPorts(ctx);
  let now = Date.now();
  for (const [i, text] of input.messages.entries()) {
    const result = await run(parsed.definition, state, { messages: [{ text }], annotations: await annotateForSimulation(text, input.contact?.language), contact, channel: { type: "simulator" }, now }, ports);
    state = result.state;
    out.replies.push(...result.replies.map((r) => r.text));
    out.steps.push(...result.steps.map((s) => ({ message: i, ...s })));
    out.actions.push(...(result.actions as unknown as Array<Record<string, unknown>>));
    out.outcome = result.outcome;
    out.turns.push({ message: text, replies: result.replies.map((r) => r.text), outcome: result.outcome });
    now += 1000;
  }
  out.variables = state?.vars ?? {};
  return out;
}
