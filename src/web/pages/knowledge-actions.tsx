import type { Context, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { AppError } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { fileResponse } from "../../routes/knowledge/documents-file";
import { createDocument, deleteDocument, documentFile, updateDocument, uploadDocument, fileOfForm } from "../../services/knowledge/documents";
import { MAX_FILE_BYTES } from "../../services/knowledge/model";
import { verifyCsrf } from "../csrf";
import { readForm } from "../forms";
import { requireSession } from "../session";
import { renderKnowledge, renderKnowledgeDocument } from "./knowledge";
import { csrfFailedPage, forbiddenPage, statusPage } from "./status";

type C = Context<AppEnv>;

const DOC_PATH = "/app/knowledge/:id{[0-9a-fA-F-]{36}}";
/** Pasted documents are up to 1 MB of text; uploads up to the file limit plus multipart framing. */
const pasteLimit = bodyLimit({ maxSize: 1_100_000 * 3, onError: (c) => statusPage(c, 413, { title: "Too much text", message: "A pasted document may be at most 1 MB of text." }) });
const uploadLimit = bodyLimit({ maxSize: MAX_FILE_BYTES + 64 * 1024, onError: (c) => statusPage(c, 413, { title: "File too large", message: "Files may be at most 10 MB." }) });

const keywords = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean)
    .slice(0, 50);

/** Domain refusals re-render the page with the message; forbidden and not found go to the app's pages. */
async function refused(c: C, err: unknown, again: (message: string) => Promise<Response>) {
  if (err instanceof AppError && err.code === "FORBIDDEN") return forbiddenPage(c, "Your role can search knowledge; owners, admins and supervisors change it.");
  if (err instanceof AppError && ["VALIDATION_FAILED", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"].includes(err.code)) return again(err.message);
  throw err;
}

async function addSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app/knowledge");
  try {
    const doc = await createDocument({
      ctx: c.get("ctx"),
      input: {
        title: form.title ?? "",
        content: form.content ?? "",
        format: (form.format as "markdown") || "markdown",
        kind: form.kind === "article" ? "article" : "document",
        visibility: form.visibility === "internal" ? "internal" : "public",
        ...(form.category?.trim() && { category: form.category.trim() }),
        ...(keywords(form.intent_keywords).length && { intent_keywords: keywords(form.intent_keywords) }),
      },
    });
    return c.redirect(`/app/knowledge/${doc.id}`, 303);
  } catch (err) {
    return refused(c, err, (message) => renderKnowledge(c, { form: { errors: { _form: message } } }, 400));
  }
}

async function uploadSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const body = await c.req.parseBody();
  const form = Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v === "string")) as Record<string, string>;
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, "/app/knowledge");
  const file = body.file;
  if (!(file instanceof File) || file.size === 0) return renderKnowledge(c, { form: { errors: { _form: "Choose a file to upload." } } }, 400);
  try {
    const fields: Record<string, unknown> = { visibility: form.visibility === "internal" ? "internal" : "public" };
    if (form.title?.trim()) fields.title = form.title.trim();
    const doc = await uploadDocument({ ctx: c.get("ctx"), input: { file: fileOfForm(file), fields } });
    return c.redirect(`/app/knowledge/${doc.id}`, 303);
  } catch (err) {
    return refused(c, err, (message) => renderKnowledge(c, { form: { errors: { _form: message } } }, 400));
  }
}

async function editSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const id = c.req.param("id")!;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, `/app/knowledge/${id}`);
  try {
    await updateDocument({
      ctx: c.get("ctx"),
      input: {
        id,
        ...(form.title !== undefined && { title: form.title }),
        ...(form.content !== undefined && { content: form.content }),
        category: form.category?.trim() ? form.category.trim() : null,
        visibility: form.visibility === "internal" ? "internal" : "public",
        intent_keywords: keywords(form.intent_keywords),
      },
    });
    return c.redirect(`/app/knowledge/${id}`, 303);
  } catch (err) {
    return refused(c, err, (message) => renderKnowledgeDocument(c, id, { error: message }, 400));
  }
}

async function activeSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const id = c.req.param("id")!;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, `/app/knowledge/${id}`);
  try {
    await updateDocument({ ctx: c.get("ctx"), input: { id, is_active: form.active === "true" } });
    return c.redirect(`/app/knowledge/${id}`, 303);
  } catch (err) {
    return refused(c, err, (message) => renderKnowledgeDocument(c, id, { error: message }, 400));
  }
}

async function deleteSubmit(c: C) {
  const redirect = await requireSession(c);
  if (redirect) return redirect;
  const id = c.req.param("id")!;
  const form = await readForm(c);
  if (!(await verifyCsrf(c, form))) return csrfFailedPage(c, `/app/knowledge/${id}`);
  try {
    await deleteDocument({ ctx: c.get("ctx"), input: { id } });
    return renderKnowledge(c, { notice: "Document deleted. It is no longer searched or cited." });
  } catch (err) {
    return refused(c, err, (message) => renderKnowledgeDocument(c, id, { error: message }, 400));
  }
}

/** The knowledge pages, registered by src/web/app.tsx with the app's small-form limit. */
export function registerKnowledgePages(app: Hono<AppEnv>, formLimit: MiddlewareHandler<AppEnv>) {
  app.get("/app/knowledge", async (c) => (await requireSession(c)) ?? renderKnowledge(c));
  app.post("/app/knowledge", pasteLimit, addSubmit);
  app.post("/app/knowledge/upload", uploadLimit, uploadSubmit);
  app.get(DOC_PATH, async (c) => (await requireSession(c)) ?? renderKnowledgeDocument(c, c.req.param("id")!));
  app.get(`${DOC_PATH}/file`, async (c) => (await requireSession(c)) ?? fileResponse(await documentFile({ ctx: c.get("ctx"), input: { id: c.req.param("id")! } })));
  app.post(DOC_PATH, pasteLimit, editSubmit);
  app.post(`${DOC_PATH}/active`, formLimit, activeSubmit);
  app.post(`${DOC_PATH}/delete`, formLimit, deleteSubmit);
}
