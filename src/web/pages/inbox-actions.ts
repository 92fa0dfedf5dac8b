import type { Context, Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { AVAILABILITIES, CONVERSATION_STATES } from "../../db/schema";
import { setOwnAvailability } from "../../services/members/update";
import { createNote } from "../../services/notes/notes";
import { sendToTeam } from "../../services/notes/thread";
import { registerTicketPages } from "./tickets";
import { presenceUpgrade } from "./inbox-presence";
import { PRESENCE_JS } from "../assets/presence-script";
import { serveScript } from "../assets/serve";
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

const NoteSchema = z.object({ content: z.string().trim().min(1, "Write the note first").max(10_000, "A note can be at most 10000 characters") });
const TeamSchema = z.object({ team_id: z.string().regex(UUID, "Choose a team") });
const AvailabilitySchema = z.object({ availability: z.enum(AVAILABILITIES, { message: "Choose online, away or offline" }) });

export const noteSubmit = (c: C) => submit(c, "note", NoteSchema, ["content"], (id, input) => createNote({ ctx: c.get("ctx"), input: { id, content: input.content } }));

export const teamSubmit = (c: C) =>
  submit(c, "team", TeamSchema, ["team_id"], async (id, input) => {
    try {
      await sendToTeam({ ctx: c.get("ctx"), input: { id, team_id: input.team_id } });
    } catch (err) {
      // A team deleted meanwhile is a problem with the form, not a missing page.
      if (err instanceof AppError && err.code === "NOT_FOUND" && err.details?.field === "team_id") throw new AppError("VALIDATION_FAILED", "That team no longer exists", { field: "team_id" });
      throw err;
    }
  });

/** The agent's own availability from the inbox header; back to the queue they were looking at. */
export async function availabilitySubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const posted = await readForm(c);
  const back = typeof posted.back === "string" && posted.back.startsWith("/app/inbox") && !posted.back.startsWith("//") ? posted.back : "/app/inbox";
  if (!(await verifyCsrf(c, posted))) return csrfFailedPage(c, back);
  const parsed = AvailabilitySchema.safeParse({ availability: posted.availability });
  if (!parsed.success) return c.redirect(back, 303);
  await setOwnAvailability({ ctx: c.get("ctx"), input: { availability: parsed.data.availability } });
  return c.redirect(back, 303);
}

/** The inbox's routing and teamwork forms, and the ticket pages (one registration line in app.tsx). */
export function registerQueuePages(app: Hono<AppEnv>, formLimit: MiddlewareHandler<AppEnv>) {
  app.post("/app/inbox/availability", formLimit, availabilitySubmit);
  app.post("/app/inbox/:id/notes", formLimit, noteSubmit);
  app.post("/app/inbox/:id/team", formLimit, teamSubmit);
  registerTicketPages(app, formLimit);
  app.get("/app/presence", presenceUpgrade);
  app.get("/assets/presence.js", (c) => serveScript(c, PRESENCE_JS, "immutable"));
}
