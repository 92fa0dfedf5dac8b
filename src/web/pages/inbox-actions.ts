import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { CONVERSATION_STATES } from "../../db/schema";
import { AppError, notFound } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { correctAnnotation } from "../../services/conversations/annotations";
import { replyToConversation, updateConversation } from "../../services/conversations/conversations";
import { PRIORITIES, SENTIMENT_LABELS } from "../../understanding/port";
import { verifyCsrf } from "../csrf";
import { formErrorsFrom, readForm, zodErrors, type FormState } from "../forms";
import { requireSession } from "../session";
import { UUID } from "./inbox-parts";
import { renderThread, type ThreadForms } from "./inbox-thread";
import { csrfFailedPage, forbiddenPage } from "./status";

type C = Context<AppEnv>;

const ReplySchema = z.object({ text: z.string().trim().min(1, "Write a reply before sending").max(4096, "A reply can be at most 4096 characters") });
const StateSchema = z.object({ state: z.enum(CONVERSATION_STATES, { message: "Choose a state" }) });
const AssigneeSchema = z.object({ assignee_id: z.union([z.literal(""), z.string().regex(UUID, "Choose a member")]) });
// The correction form always posts all three selects: saving it confirms (or corrects) each of them.
const AnnotationSchema = z.object({
  message_id: z.string().regex(UUID, "Choose a message"),
  intent: z.string().regex(/^[a-z_]{2,64}$/, "Choose an intent"),
  sentiment: z.enum(SENTIMENT_LABELS, { message: "Choose a sentiment" }),
  priority: z.enum(PRIORITIES, { message: "Choose a priority" }),
});

/**
 * The shared shape of the inbox forms: session, CSRF, validation, one service call, then 303
 * back to the thread (so a reload never re-posts). Problems with the input re-render the thread with
 * the error next to its field and the posted values kept.
 */
async function submit<S extends z.ZodType>(
  c: C,
  form: keyof ThreadForms,
  schema: S,
  fields: readonly string[],
  act: (id: string, input: z.output<S>) => Promise<unknown>,
) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) throw notFound("Conversation");
  const posted = await readForm(c);
  if (!(await verifyCsrf(c, posted))) return csrfFailedPage(c, `/app/inbox/${id}`);
  const values = Object.fromEntries(fields.map((f) => [f, posted[f]]));
  const again = (state: FormState, status: ContentfulStatusCode) => renderThread(c, { [form]: state }, status);

  const parsed = schema.safeParse(values);
  if (!parsed.success) return again({ values, errors: zodErrors(parsed.error) }, 400);
  try {
    await act(id, parsed.data);
  } catch (err) {
    if (err instanceof AppError && err.code === "FORBIDDEN") return forbiddenPage(c, "Your role cannot change conversations.");
    // The conversation itself missing stays the 404 page; a vanished assignee is a problem with the form.
    if (form === "assignee" && err instanceof AppError && err.code === "NOT_FOUND" && err.message.startsWith("Assignee")) {
      return again({ values, errors: { assignee_id: "That person is no longer a member of this workspace. Choose someone else." } }, 400);
    }
    const mapped = formErrorsFrom(c, err, fields);
    if (!mapped) throw err;
    return again({ values, errors: mapped.errors }, mapped.status);
  }
  // Back to where the agent was: the reply box, the corrected message, or the top of the thread.
  const anchor = form === "reply" ? "reply" : form === "annotation" ? `msg-${values.message_id}` : "thread-title";
  return c.redirect(`/app/inbox/${id}?done=${form}#${anchor}`, 303);
}

export const replySubmit = (c: C) =>
  submit(c, "reply", ReplySchema, ["text"], (id, input) => replyToConversation({ ctx: c.get("ctx"), input: { id, text: input.text } }));

export const stateSubmit = (c: C) =>
  submit(c, "state", StateSchema, ["state"], (id, input) => updateConversation({ ctx: c.get("ctx"), input: { id, state: input.state } }));

export const assigneeSubmit = (c: C) =>
  submit(c, "assignee", AssigneeSchema, ["assignee_id"], (id, input) => updateConversation({ ctx: c.get("ctx"), input: { id, assignee_id: input.assignee_id || null } }));

export const annotationSubmit = (c: C) =>
  submit(c, "annotation", AnnotationSchema, ["message_id", "intent", "sentiment", "priority"], (id, input) =>
    correctAnnotation({ ctx: c.get("ctx"), input: { conversationId: id, messageId: input.message_id, correction: { intent: input.intent, sentiment: input.sentiment, priority: input.priority } } }),
  );
