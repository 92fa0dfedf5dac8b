import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../senders/provider-call";
import { sendEmailMime } from "../senders/email";
import { buildReply } from "./build";
import { parseEmail } from "./parse";

// The providers double (test/doubles/providers-double.ts) keys Mailgun traffic by sending domain, so a
// fresh domain per test keeps parallel tests apart.
const hex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");
const base = () => `${env.PROVIDER_DOUBLE_URL}/mailgun`;

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${env.PROVIDER_DOUBLE_URL}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`provider double ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

async function mailgunAccount() {
  const account = { domain: `mg${hex(4)}.acme-support.com`, api_key: `key-${hex(16)}` };
  await control("PUT", "/_control/accounts", { provider: "mailgun", key: account.domain, secret: account.api_key });
  return account;
}

type Recorded = { path: string; headers: Record<string, string>; status: number; mail?: { to: string; message: string } };
const sent = async (domain: string) => (await control("GET", `/_control/requests?provider=mailgun&key=${encodeURIComponent(domain)}`)) as Recorded[];

function reply(domain: string) {
  return buildReply({
    from: { address: `help@${domain}`, name: "Acme Support" },
    to: { address: "maria.gonzalez@example.net" },
    subject: "Order #10482 has not arrived",
    text: "It arrives tomorrow.",
    inReplyTo: "CAJx7Lk3pQ9w+Vb2nR8s@mail.example.net",
    domain,
  });
}

async function providerError(run: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ProviderError);
    return err as ProviderError;
  }
  return expect.fail("expected a ProviderError");
}

describe("sendEmailMime", () => {
  it("posts the raw mail to Mailgun's messages.mime endpoint and returns the mail's own id", async () => {
    const account = await mailgunAccount();
    const { raw, messageId } = reply(account.domain);
    expect(await sendEmailMime(base(), account, account.domain, "maria.gonzalez@example.net", raw)).toBe(messageId);

    const [request, ...more] = await sent(account.domain);
    expect(more).toHaveLength(0);
    expect(request!.path).toBe(`/mailgun/v3/${account.domain}/messages.mime`);
    expect(request!.status).toBe(200);
    expect(request!.headers.authorization).toBe(`Basic ${btoa(`api:${account.api_key}`)}`);
    expect(request!.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(request!.mail).toEqual({ to: "maria.gonzalez@example.net", message: raw });
  });

  it("delivers a mail that still threads under the customer's message", async () => {
    const account = await mailgunAccount();
    await sendEmailMime(base(), account, account.domain, "maria.gonzalez@example.net", reply(account.domain).raw);
    const [request] = await sent(account.domain);
    const parsed = await parseEmail(request!.mail!.message);
    expect(parsed.kind === "message" && parsed.message.content).toMatchObject({
      inReplyTo: "CAJx7Lk3pQ9w+Vb2nR8s@mail.example.net",
      references: ["CAJx7Lk3pQ9w+Vb2nR8s@mail.example.net"],
      subject: "Re: Order #10482 has not arrived",
    });
  });

  it("fails permanently with a wrong API key", async () => {
    const account = await mailgunAccount();
    const err = await providerError(() => sendEmailMime(base(), { api_key: "key-wrong" }, account.domain, "maria@example.net", reply(account.domain).raw));
    expect(err).toMatchObject({ provider: "mailgun", status: 401, permanent: true });
    expect(err.message).not.toContain("key-wrong");
  });

  it("fails permanently when Mailgun refuses the recipient", async () => {
    const account = await mailgunAccount();
    const err = await providerError(() => sendEmailMime(base(), account, account.domain, "not an address", reply(account.domain).raw));
    expect(err).toMatchObject({ status: 400, permanent: true });
    expect(err.message).toContain("'to' parameter is not a valid address");
  });

  it.each([429, 500, 503])("fails transiently on %i, so the queue retries", async (status) => {
    const account = await mailgunAccount();
    await control("POST", "/_control/fail", { provider: "mailgun", key: account.domain, status, count: 1 });
    const err = await providerError(() => sendEmailMime(base(), account, account.domain, "maria@example.net", reply(account.domain).raw));
    expect(err).toMatchObject({ status, permanent: false });
    // The failure was injected once: the retry goes through.
    await expect(sendEmailMime(base(), account, account.domain, "maria@example.net", reply(account.domain).raw)).resolves.toMatch(/@/);
  });

  it("fails transiently when Mailgun cannot be reached", async () => {
    const account = await mailgunAccount();
    const err = await providerError(() => sendEmailMime("http://127.0.0.1:9", account, account.domain, "maria@example.net", reply(account.domain).raw));
    expect(err).toMatchObject({ status: null, permanent: false });
  });
});

describe("the providers double's Mailgun endpoint", () => {
  it("refuses a message sent as a plain field, as Mailgun does", async () => {
    const account = await mailgunAccount();
    const form = new FormData();
    form.append("to", "maria@example.net");
    form.append("message", reply(account.domain).raw);
    const res = await fetch(`${base()}/v3/${account.domain}/messages.mime`, { method: "POST", headers: { authorization: `Basic ${btoa(`api:${account.api_key}`)}` }, body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: "'message' parameter is not a file" });
  });

  it("answers a wrong key with Mailgun's bare Forbidden", async () => {
    const account = await mailgunAccount();
    const res = await fetch(`${base()}/v3/${account.domain}/messages.mime`, { method: "POST", headers: { authorization: `Basic ${btoa("api:nope")}` }, body: new FormData() });
    expect(res.status).toBe(401);
    expect(await res.text()).toBe("Forbidden");
  });
});
