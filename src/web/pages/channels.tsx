import type { Context } from "hono";
import { getCookie, deleteCookie, setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { CHANNEL_TYPES, type ChannelType } from "../../db/schema";
import { unauthorized } from "../../lib/errors";
import type { AppEnv } from "../../routes/hono-env";
import { getMe } from "../../services/auth/me";
import { listChannels } from "../../services/channels/channels";
import type { Channel } from "../../services/channels/model";
import { roleAllows } from "../../services/permissions";
import { ensureCsrfToken } from "../csrf";
import type { FormState } from "../forms";
import { Layout, render } from "../layout";
import { baseCookieOptions } from "../session";
import { ConnectForm, TYPE_LABELS, TypeChooser } from "./channels-forms";
import { roleLabel } from "./workspace";
import { AppNav } from "./app-nav";

type C = Context<AppEnv>;

const CHANNELS_SHOWN = 100;
const FLASH = "parley_channel_flash";

/** What the page says after a redirect: the channel connected and, for api channels, its secret once. */
export interface ChannelFlash {
  name: string;
  secret?: string;
}

export function setChannelFlash(c: C, flash: ChannelFlash): void {
  // Like the invitation flash: HttpOnly, Strict, one minute, this page only, deleted when read, since it
  // can carry a signing secret that must not linger or be readable by script.
  setCookie(c, FLASH, JSON.stringify(flash), { ...baseCookieOptions(c), path: "/app/channels", sameSite: "Strict", maxAge: 60 });
}

function takeChannelFlash(c: C): ChannelFlash | undefined {
  const raw = getCookie(c, FLASH);
  if (!raw) return undefined;
  deleteCookie(c, FLASH, { ...baseCookieOptions(c), path: "/app/channels", sameSite: "Strict" });
  try {
    const v = JSON.parse(raw) as Partial<ChannelFlash>;
    if (typeof v.name === "string" && (v.secret === undefined || typeof v.secret === "string")) return { name: v.name, secret: v.secret };
  } catch {
    // a mangled cookie is ignored
  }
  return undefined;
}

export const parseChannelType = (value: string | undefined): ChannelType => (CHANNEL_TYPES.includes(value as ChannelType) ? (value as ChannelType) : "whatsapp");

const Notice = ({ flash }: { flash: ChannelFlash }) => (
  <div class="notice" role="status">
    <p>
      Channel <strong>{flash.name}</strong> connected. Point the provider at its webhook URL below.
    </p>
    {flash.secret ? (
      <p>
        Signing secret (shown only once; sign each request with it as <code>X-Parley-Signature</code>):{" "}
        <code id="signing-secret" class="invite-link">{flash.secret}</code>
      </p>
    ) : null}
  </div>
);

const ChannelsTable = ({ channels }: { channels: Channel[] }) =>
  channels.length === 0 ? (
    <p class="empty">No channels yet.</p>
  ) : (
    <div class="table-wrap" role="region" aria-labelledby="channels-title" tabindex={0}>
      <table>
        <caption class="visually-hidden">Connected channels, newest first</caption>
        <thead>
          <tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Webhook URL</th></tr>
        </thead>
        <tbody>
          {channels.map((ch) => (
            <tr>
              <th scope="row">{ch.name}</th>
              <td>{TYPE_LABELS[ch.type]}</td>
              <td><span class={ch.status === "active" ? "pill" : "pill invited"}>{ch.status}</span></td>
              <td><code class="invite-link">{ch.webhook_url}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

/**
 * The channels page for the session already attached to the context. Reading needs channels:read
 * (billing admins get the forbidden page from the service); connecting needs channels:write.
 */
export async function renderChannels(c: C, opts: { type?: string; form?: FormState } = {}, status: ContentfulStatusCode = 200) {
  const ctx = c.get("ctx");
  const me = await getMe({ ctx });
  if (!me.user || !me.role) throw unauthorized();
  const page = await listChannels({ ctx, input: { limit: CHANNELS_SHOWN } });
  const csrf = ensureCsrfToken(c);
  const flash = takeChannelFlash(c);
  const type = parseChannelType(opts.type);
  const canWrite = roleAllows(me.role, "channels:write");

  return render(
    c,
    <Layout title={`Channels · ${me.tenant.name}`} hasErrors={!!opts.form?.errors} signedIn={{ email: me.user.email, csrf }}>
      <AppNav current="channels" role={me.role} />
      <div class="ws-head">
        <div>
          <h1>Channels</h1>
          <p class="lead">Where your customers reach {me.tenant.name}: each channel has a webhook URL for its provider.</p>
        </div>
      </div>
      {flash ? <Notice flash={flash} /> : null}
      <section class="card" id="channels" aria-labelledby="channels-title">
        <h2 id="channels-title">Connected channels</h2>
        <ChannelsTable channels={page.data} />
        {page.next_cursor ? <p class="hint">Showing the {CHANNELS_SHOWN} most recent channels.</p> : null}
      </section>
      <section class="card" id="connect" aria-labelledby="connect-title">
        <h2 id="connect-title">Connect a channel</h2>
        {canWrite ? (
          <>
            <TypeChooser type={type} />
            <ConnectForm csrf={csrf} type={type} state={opts.form} />
          </>
        ) : (
          <p class="empty">Your role ({roleLabel(me.role)}) can view channels; owners and admins connect them.</p>
        )}
      </section>
    </Layout>,
    status,
  );
}
