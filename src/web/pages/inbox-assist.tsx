import type { Context } from "hono";
import type { AppEnv } from "../../routes/hono-env";
import { answerKnowledge } from "../../services/knowledge/query";
import type { Role } from "../../db/schema";
import { roleAllows } from "../../services/permissions";
import { highlight } from "./knowledge";

interface ThreadMessage {
  direction: "inbound" | "outbound";
  text: string | null;
}

const ASSIST_CSS = `
.assist{margin-top:1.5rem}
.assist .suggestion{white-space:pre-wrap;border-left:4px solid var(--ok);padding:.5rem .85rem;background:var(--ok-bg);border-radius:0 8px 8px 0}
.assist ol{padding-left:1.2rem}
.assist li{margin:.35rem 0}
`;

/** What the customer asked last: their latest messages since the last reply, newest last, bounded. */
export function lastQuestion(messages: ThreadMessage[]): string {
  const out: string[] = [];
  for (let i = messages.length - 1; i >= 0 && out.length < 3; i--) {
    const m = messages[i]!;
    if (m.direction === "outbound") {
      if (out.length) break;
      continue;
    }
    if (m.text?.trim()) out.unshift(m.text.trim());
  }
  return out.join(" ").slice(0, 1000);
}

/**
 * The agent's assist panel: on request (a knowledge query is metered, so it is not run on every page
 * view), an answer to the customer's latest question from the workspace's knowledge — internal
 * articles included, since an agent reads it first — with its citations, or the closest passages.
 */
export async function InboxAssist({ c, conversationId, role, messages }: { c: Context<AppEnv>; conversationId: string; role: Role; messages: ThreadMessage[] }) {
  if (!roleAllows(role, "knowledge:read")) return null;
  const question = lastQuestion(messages);
  const asked = c.req.query("assist") === "1";
  const answer = asked && question ? await answerKnowledge({ ctx: c.get("ctx"), input: { question }, origin: { source: "assist", conversationId } }) : undefined;
  return (
    <section class="card assist" id="assist" aria-labelledby="assist-title">
      <style dangerouslySetInnerHTML={{ __html: ASSIST_CSS }} />
      <h2 id="assist-title">Suggested answer</h2>
      {!question ? (
        <p class="empty">The customer has not asked anything yet.</p>
      ) : !answer ? (
        <p>
          <a class="button secondary" href={`/app/inbox/${conversationId}?assist=1#assist`}>Suggest an answer from knowledge</a>
        </p>
      ) : answer.confident ? (
        <>
          <p class="hint">For: “{question.slice(0, 200)}”</p>
          <p class="suggestion" data-assist-answer>{answer.answer}</p>
          <h3>Cited</h3>
          <ol>
            {answer.citations.map((ct) => (
              <li>
                <a href={`/app/knowledge/${ct.document_id}#chunk-${ct.chunk_id}`}>{ct.title}</a>: {highlight(ct.snippet, question)}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <>
          <p class="empty" data-assist-answer>Nothing in your knowledge answers “{question.slice(0, 200)}” confidently.</p>
          {answer.citations.length ? (
            <>
              <h3>Closest passages</h3>
              <ol>
                {answer.citations.map((ct) => (
                  <li>
                    <a href={`/app/knowledge/${ct.document_id}#chunk-${ct.chunk_id}`}>{ct.title}</a>: {highlight(ct.snippet, question)}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
