/**
 * Understanding a message group: each inbound message annotated (offline annotator inside the Worker;
 * it never waits on a network), and one view of the group for the flow — the most urgent priority,
 * the strongest urgency, the most negative sentiment, the language of the longest text that tells.
 */
import type { Annotations } from "../../flows/interpreter";
import type { ServiceContext } from "../context";
import { annotatorFor } from "../../understanding/service";
import { aiStores } from "./ai-stores";

export interface AnnotatedMessage {
  id: string;
  text: string;
  annotations: Annotations & {
    language: string;
    intent: string;
    sentiment: { score: number; label: string };
    urgency: number;
    priority: string;
    entities: Array<{ type: string; value: string }>;
    source: string;
  };
}

const RANK: Record<string, number> = { P0: 0, P1: 1, P2: 2, P3: 3 };

/**
 * Annotates with the configured annotator (offline by default; Workers AI or an OpenAI-compatible
 * endpoint with the workspace's budget, cache and `ai.call` metering), which falls back to the offline
 * one on any provider failure or an exhausted budget and says so in `source`.
 */
export async function annotateMessages(ctx: ServiceContext, tenantId: string, messages: Array<{ id: string; text: string }>, contactLanguage?: string | null): Promise<AnnotatedMessage[]> {
  const annotator = annotatorFor(ctx, tenantId, aiStores(ctx, tenantId));
  const out: AnnotatedMessage[] = [];
  for (const m of messages) {
    const a = (await annotator.understand(m.text, contactLanguage ? { contactLanguage } : {})) as AnnotatedMessage["annotations"];
    out.push({ id: m.id, text: m.text, annotations: a });
  }
  return out;
}

/** The group as one reading: what the flow's conditions see as `annotations.*`. */
export function groupView(annotated: AnnotatedMessage[]): AnnotatedMessage["annotations"] | undefined {
  if (annotated.length === 0) return undefined;
  const byPriority = [...annotated].sort((a, b) => (RANK[a.annotations.priority] ?? 3) - (RANK[b.annotations.priority] ?? 3));
  const top = byPriority[0]!.annotations;
  const told = annotated.filter((m) => m.annotations.language !== "und").sort((a, b) => b.text.length - a.text.length)[0];
  const saddest = [...annotated].sort((a, b) => a.annotations.sentiment.score - b.annotations.sentiment.score)[0]!.annotations;
  // `angry` outranks a lower score: it is a label the flow escalates on.
  const angry = annotated.find((m) => m.annotations.sentiment.label === "angry")?.annotations.sentiment;
  const seen = new Set<string>();
  const entities = annotated.flatMap((m) => m.annotations.entities).filter((e) => !seen.has(`${e.type}:${e.value}`) && seen.add(`${e.type}:${e.value}`));
  return {
    ...top,
    language: told?.annotations.language ?? top.language,
    intent: top.intent !== "unknown" ? top.intent : (annotated.map((m) => m.annotations.intent).find((i) => i !== "unknown") ?? "unknown"),
    sentiment: angry ?? saddest.sentiment,
    urgency: Math.max(...annotated.map((m) => m.annotations.urgency)),
    priority: top.priority,
    entities,
  };
}
