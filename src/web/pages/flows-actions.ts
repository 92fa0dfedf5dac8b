import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { createFlow, publishFlow, updateFlow } from "../../services/flows/flows";
import { simulateFlow } from "../../services/flows/simulate";
import { verifyCsrf } from "../csrf";
import { readForm } from "../forms";
import { requireSession } from "../session";
import { renderFlow, renderFlows } from "./flows";
import { csrfFailedPage, forbiddenPage, statusPage } from "./status";

type C = Context<AppEnv>;

/** A definition is bigger than the app's other forms; still bounded well under the API's body limit. */
export const flowFormLimit = bodyLimit({ maxSize: 200 * 1024, onError: (c) => statusPage(c, 413, { title: "Too much data", message: "That flow definition is larger than a flow may be." }) });

/** The starting point for a new flow: one greeting, ready to edit. */
const STARTER = { start: "hello", nodes: { hello: { type: "message", text: { en: "Hello! How can I help?", es: "¡Hola! ¿En qué puedo ayudarte?" }, next: "done" }, done: { type: "end" } } };

const versionOf = (v: string | undefined) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
};

/** The page's own errors become the page again; forbidden and not-found go to the app's error pages. */
function asForbidden(c: C, err: unknown) {
  return err instanceof AppError && err.code === "FORBIDDEN" ? forbiddenPage(c, "Your role cannot change flows.") : undefined;
}

export async function flowCreateSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app/flows");
  const name = form.name?.trim() ?? "";
  if (!name) return renderFlows(c, { form: { values: form, errors: { name: "Enter a name for the flow" } } }, 400);
  try {
    const flow = await createFlow({ ctx: c.get("ctx"), input: { name, definition: STARTER } });
    return c.redirect(`/app/flows/${flow.id}`, 303);
  } catch (err) {
    const page = asForbidden(c, err);
    if (page) return page;
    if (err instanceof AppError && err.code === "VALIDATION_FAILED") return renderFlows(c, { form: { values: form, errors: { name: err.message } } }, 400);
    throw err;
  }
}

export async function flowDraftSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const id = c.req.param("id")!;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, `/app/flows/${id}`);
  const text = form.definition ?? "";
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch (err) {
    const problem = `The definition is not JSON: ${err instanceof Error ? err.message : String(err)}`;
    return renderFlow(c, id, { state: { draftText: text, problems: [{ node: null, problem }] } }, 400);
  }
  if (!definition || typeof definition !== "object" || Array.isArray(definition)) {
    return renderFlow(c, id, { state: { draftText: text, problems: [{ node: null, problem: "The definition must be a JSON object" }] } }, 400);
  }
  try {
    const flow = await updateFlow({ ctx: c.get("ctx"), input: { id, definition: definition as Record<string, unknown> } });
    return c.redirect(`/app/flows/${flow.id}?version=${flow.version}`, 303);
  } catch (err) {
    const page = asForbidden(c, err);
    if (page) return page;
    if (err instanceof AppError && err.code === "FLOW_INVALID") return renderFlow(c, id, { state: { draftText: text, problems: err.details?.details ?? [] } }, 422);
    throw err;
  }
}

export async function flowPublishSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const id = c.req.param("id")!;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, `/app/flows/${id}`);
  const version = versionOf(form.version);
  try {
    const flow = await publishFlow({ ctx: c.get("ctx"), input: { id, version } });
    return renderFlow(c, id, { version: flow.version, state: { notice: `v${flow.version} is published: new conversations run it; ones under way keep their version.` } });
  } catch (err) {
    const page = asForbidden(c, err);
    if (page) return page;
    if (err instanceof AppError && err.code === "FLOW_INVALID") return renderFlow(c, id, { version, state: { problems: err.details?.details ?? [] } }, 422);
    throw err;
  }
}

export async function flowSimulateSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const id = c.req.param("id")!;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, `/app/flows/${id}`);
  const version = versionOf(form.version);
  const raw = form.messages ?? "";
  const messages = raw.split(/\r?\n/).map((m) => m.trim()).filter(Boolean).slice(0, 20).map((m) => m.slice(0, 4000));
  if (messages.length === 0) return renderFlow(c, id, { version, state: { simulation: { messages: raw, error: "Write at least one customer message" } } }, 400);
  try {
    const result = await simulateFlow({ ctx: c.get("ctx"), input: { id, version, messages } });
    return renderFlow(c, id, { version, state: { simulation: { messages: raw, result } } });
  } catch (err) {
    if (err instanceof AppError && err.code === "FLOW_INVALID") return renderFlow(c, id, { version, state: { problems: err.details?.details ?? [], simulation: { messages: raw, error: err.message } } }, 422);
    throw err;
  }
}
