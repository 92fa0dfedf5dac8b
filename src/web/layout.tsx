import type { Context } from "hono";
import { html } from "hono/html";
import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../routes/hono-env";
import { CsrfField } from "./forms";
import { CSS } from "./styles";

export interface SignedIn {
  email: string;
  csrf: string;
}

type LayoutProps = PropsWithChildren<{ title: string; hasErrors?: boolean; signedIn?: SignedIn; narrow?: boolean }>;

export const Layout: FC<LayoutProps> = ({ title, hasErrors, signedIn, narrow, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {/* The API's global Referrer-Policy is no-referrer, under which Chromium sends `Origin: null` on
          form posts; same-origin keeps our own posts checkable while still leaking nothing (e.g. an
          invitation token in the URL) to other sites. */}
      <meta name="referrer" content="same-origin" />
      <meta name="color-scheme" content="light" />
      <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
      <title>{`${hasErrors ? "Error: " : ""}${title} · Parley`}</title>
      {/* Raw, not escaped: style text is not HTML, so entities would corrupt it. CSS is a constant. */}
      <style dangerouslySetInnerHTML={{ __html: CSS }} />
    </head>
    <body>
      <a class="skip" href="#main">Skip to content</a>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="/">
            <span class="brand-mark" aria-hidden="true">P</span>Parley
          </a>
          {signedIn ? (
            <div class="topbar-user">
              <span class="topbar-email">{signedIn.email}</span>
              <form method="post" action="/logout">
                <CsrfField token={signedIn.csrf} />
                <button type="submit" class="secondary">Log out</button>
              </form>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" tabindex={-1} class={narrow ? "auth" : undefined}>
        {children}
      </main>
    </body>
  </html>
);

/** Sends a page; `html` keeps the doctype outside JSX, which cannot express it. */
export function render(c: Context<AppEnv>, page: Child, status: ContentfulStatusCode = 200) {
  c.header("Cache-Control", "no-store"); // pages hold personal data and CSRF tokens
  return c.html(html`<!doctype html>${page}`, status);
}
