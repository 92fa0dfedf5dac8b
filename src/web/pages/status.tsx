import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../routes/hono-env";
import { Layout, render } from "../layout";

interface StatusPageProps {
  title: string;
  message: string;
  back?: { href: string; label: string };
  requestId?: string;
}

/** A full page for outcomes that are not about one form field: forbidden, expired form, not found... */
export function statusPage(c: Context<AppEnv>, status: ContentfulStatusCode, p: StatusPageProps) {
  return render(
    c,
    <Layout title={p.title} narrow>
      <div class="card">
        <h1>{p.title}</h1>
        <p>{p.message}</p>
        {p.requestId ? (
          <p class="hint">
            Reference: <code>{p.requestId}</code>
          </p>
        ) : null}
        <p>
          <a class="button" href={p.back?.href ?? "/"}>
            {p.back?.label ?? "Go to Parley"}
          </a>
        </p>
      </div>
    </Layout>,
    status,
  );
}

export const csrfFailedPage = (c: Context<AppEnv>, back: string) =>
  statusPage(c, 403, {
    title: "Your form expired",
    message: "Your form expired, please try again. Nothing was changed.",
    back: { href: back, label: "Back to the form" },
  });

export const forbiddenPage = (c: Context<AppEnv>, message = "Your role in this workspace does not allow this.") =>
  statusPage(c, 403, { title: "Not allowed", message, back: { href: "/app", label: "Back to your workspace" } });
