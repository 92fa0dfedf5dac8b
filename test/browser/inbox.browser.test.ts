// The agent inbox and the web chat widget together, in real headless Chromium against `wrangler dev`:
// a visitor on another site (a throwaway local page embedding the one script tag) writes with the
// keyboard, the agent sees it live in /app/inbox/:id, replies with the plain form, and the reply
// arrives live in the widget. Set PARLEY_SCREENSHOTS=<dir> to keep screenshots of each step.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/free-port.ts";
import { generateSigningKeys } from "../../scripts/lib/jwt-keys.ts";
import { startStack, type Stack } from "../../scripts/lib/stack.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = process.env.PARLEY_SCREENSHOTS;
const PASSWORD = "Harbor-quartz-58";
const run = crypto.randomUUID().slice(0, 8);
const email = `agent-owner-${run}@example.com`;

let stack: Stack | undefined;
let persistTo: string | undefined;
let browser: Browser | undefined;
let site: Server | undefined;
let siteOrigin = "";
let agent: Page;
let visitor: Page;
let channel: { tenantId: string; id: string };
let conversationPath = "";

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function textOf(page: Page): Promise<string> {
  return `at ${page.url()}:\n${await page.locator("body").innerText().catch(() => "(no body)")}`;
}

/** A page on another origin with nothing but the embed snippet a tenant would paste. */
function startSite(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== "/") {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title></head>
<body><h1>Hat Shop</h1><p>Fine hats since 1902. <a href="#hats">See hats</a></p>
<script src="${stack!.url}/widget.js" data-channel="${channel.tenantId}/${channel.id}" data-title="Hat Shop support" async></script></body></html>`);
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

async function isFocused(locator: Locator): Promise<boolean> {
  // Inside a shadow root, document.activeElement is the host: ask the element's own root.
  return locator.evaluate((el) => (el.getRootNode() as unknown as { activeElement: unknown }).activeElement === el);
}

describe("inbox and web chat widget", () => {
  beforeAll(async () => {
    persistTo = await mkdtemp(path.join(tmpdir(), "parley-inbox-"));
    stack = await startStack({ port: await freePort(), jwtSigningKeys: await generateSigningKeys(), persistTo, quiet: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
    agent = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    visitor = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (site ? site.close(r) : r(undefined)));
    await stack?.stop();
    if (persistTo) await rm(persistTo, { recursive: true, force: true });
  }, 60_000);

  it("signs up on the web and connects a web chat channel for the shop's origin over the API", async () => {
    await agent.goto(`${stack!.url}/signup`);
    await agent.getByLabel("Organization").fill(`Hat Shop ${run}`);
    await agent.getByLabel("Your name").fill("Ada Agent");
    await agent.getByLabel("Email", { exact: true }).fill(email);
    await agent.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await agent.getByLabel("Password", { exact: true }).press("Enter");
    await agent.waitForURL((u) => u.pathname === "/app");

    const login = await fetch(`${stack!.url}/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: PASSWORD }) });
    expect(login.status).toBe(200);
    const session = (await login.json()) as { access_token: string; tenant: { id: string } };

    const sitePort = await freePort();
    siteOrigin = `http://127.0.0.1:${sitePort}`;
    const created = await fetch(`${stack!.url}/v1/channels`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${session.access_token}` },
      body: JSON.stringify({ type: "webchat", name: "Shop chat", config: { allowed_origins: [siteOrigin] }, debounce_ms: 200 }),
    });
    const body = (await created.json()) as { id: string };
    expect(created.status, JSON.stringify(body)).toBe(201);
    channel = { tenantId: session.tenant.id, id: body.id };
    site = await startSite(sitePort);
  }, 60_000);

  it("lets a visitor open the widget and send a message with the keyboard alone", async () => {
    await visitor.goto(siteOrigin);
    const launcher = visitor.getByRole("button", { name: "Open chat" });
    await launcher.waitFor();
    // Tab order: the page's own link, then the launcher.
    await visitor.keyboard.press("Tab");
    await visitor.keyboard.press("Tab");
    expect(await isFocused(launcher), "the launcher takes focus from the keyboard").toBe(true);
    await visitor.keyboard.press("Enter");

    const dialog = visitor.getByRole("dialog", { name: "Hat Shop support" });
    await dialog.waitFor();
    const input = visitor.getByLabel("Your message");
    expect(await isFocused(input), "opening moves focus to the message box").toBe(true);
    await visitor.keyboard.type("Do you have this hat in size 7?");
    await visitor.keyboard.press("Enter");
    const mine = dialog.getByRole("listitem").filter({ hasText: "Do you have this hat in size 7?" });
    await mine.waitFor();
    await expect.poll(() => mine.innerText(), { timeout: 15_000 }).not.toContain("Sending");
    expect(await mine.innerText()).not.toContain("Not sent");
    expect(await input.inputValue()).toBe("");
    await shot(visitor, "1-widget-sent");

    // Escape closes the dialog and hands focus back to the launcher.
    await visitor.keyboard.press("Escape");
    expect(await dialog.isHidden()).toBe(true);
    expect(await isFocused(visitor.getByRole("button", { name: "Open chat" }))).toBe(true);
    await visitor.keyboard.press("Enter");
    await dialog.waitFor();
  }, 60_000);

  it("shows the conversation in the agent's inbox, answered by the workspace's bot", async () => {
    await agent.goto(`${stack!.url}/app`);
    await agent.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Inbox" }).click();
    await agent.waitForURL((u) => u.pathname === "/app/inbox");
    // The thread object persists on its alarm: give it a moment, reloading like a person would.
    await expect
      .poll(async () => {
        await agent.reload();
        return agent.locator("#inbox-list tbody tr").count();
      }, { timeout: 20_000, interval: 500 })
      .toBe(1);
    // The default flow greets the visitor first, so the conversation waits on the customer.
    await expect
      .poll(async () => {
        await agent.reload();
        return agent.locator("#inbox-list tbody tr").first().innerText();
      }, { timeout: 20_000, interval: 500 })
      .toMatch(/Shop chat \(Web chat\)[\s\S]*Awaiting customer[\s\S]*Unassigned/);
    // The state filter is a plain GET form (it keeps the queue view and the other filters).
    await agent.getByLabel("State").selectOption("awaiting_customer");
    await agent.getByRole("button", { name: "Filter" }).click();
    await agent.waitForURL((u) => u.searchParams.get("state") === "awaiting_customer");
    expect(await agent.locator("#inbox-list tbody tr").count(), await textOf(agent)).toBe(1);
    await agent.getByLabel("State").selectOption("resolved");
    await agent.getByRole("button", { name: "Filter" }).click();
    await agent.waitForURL((u) => u.searchParams.get("state") === "resolved");
    expect(await agent.locator("#inbox-list").innerText()).toContain("No conversations are resolved");
    await agent.getByRole("link", { name: "Clear filters" }).click();
    await agent.waitForURL((u) => u.pathname === "/app/inbox" && !u.searchParams.has("state"));
    await shot(agent, "2-inbox-list");

    await agent.locator("#inbox-list tbody tr a").first().click();
    await agent.waitForURL((u) => /^\/app\/inbox\/[0-9a-f-]{36}$/.test(u.pathname));
    conversationPath = new URL(agent.url()).pathname;
    expect(await agent.locator(".thread").innerText(), await textOf(agent)).toContain("Do you have this hat in size 7?");
    await expect.poll(() => agent.locator("#live-status").innerText(), { timeout: 10_000 }).toContain("Live updates on");
  }, 60_000);

  it("appends the visitor's next message to the open thread live", async () => {
    await visitor.getByLabel("Your message").fill("Or in size 7 1/4?");
    await visitor.getByLabel("Your message").press("Enter");
    const live = agent.locator(".thread li", { hasText: "Or in size 7 1/4?" });
    await live.waitFor({ timeout: 15_000 });
    expect(new URL(agent.url()).pathname, "no reload happened").toBe(conversationPath);
    await shot(agent, "3-thread-live");
  }, 60_000);

  it("sends the agent's reply from the form and shows it live in the widget", async () => {
    await agent.getByLabel("Message to the customer").fill("Yes, both sizes are in stock!");
    await agent.getByLabel("Message to the customer").press("Tab");
    await agent.keyboard.press("Enter"); // focus is on "Send reply"
    await agent.waitForURL((u) => u.pathname === conversationPath && u.searchParams.get("done") === "reply");
    expect(await agent.locator(".thread").innerText(), await textOf(agent)).toContain("Yes, both sizes are in stock!");
    expect(await agent.locator("[data-conversation-state]").innerText()).toBe("Awaiting customer");

    const reply = visitor.getByRole("dialog").getByRole("listitem").filter({ hasText: "Yes, both sizes are in stock!" });
    await reply.waitFor({ timeout: 15_000 });
    await shot(visitor, "4-widget-reply");
    await shot(agent, "4-thread-after-reply");

    // On a phone the dialog takes the whole screen, with the close button still in reach.
    await visitor.setViewportSize({ width: 390, height: 740 });
    const box = await visitor.getByRole("dialog").boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 740 });
    expect(await visitor.getByRole("button", { name: "Close chat" }).isVisible()).toBe(true);
    expect(await visitor.getByRole("button", { name: "Send" }).isVisible()).toBe(true);
    await shot(visitor, "4-widget-phone");
    await visitor.getByRole("button", { name: "Close chat" }).click();
    expect(await isFocused(visitor.getByRole("button", { name: "Open chat" })), "closing returns focus to the launcher").toBe(true);
    await shot(visitor, "4-widget-phone-closed");
  }, 60_000);

  it("changes state and assignee with the forms, and refuses an empty reply inline", async () => {
    await agent.getByLabel("Assign to").selectOption({ label: "Ada Agent" });
    await agent.getByRole("button", { name: "Change assignee" }).click();
    await agent.waitForURL((u) => u.searchParams.get("done") === "assignee");
    expect(await agent.locator("[data-conversation-assignee]").innerText()).toBe("Ada Agent");

    await agent.getByLabel("Move to").selectOption("escalated");
    await agent.getByRole("button", { name: "Change state" }).click();
    await agent.waitForURL((u) => u.searchParams.get("done") === "state");
    expect(await agent.locator("[data-conversation-state]").innerText()).toBe("Escalated");

    await agent.getByRole("button", { name: "Send reply" }).click();
    await agent.waitForLoadState();
    const box = agent.getByLabel("Message to the customer");
    expect(await box.getAttribute("aria-invalid"), await textOf(agent)).toBe("true");
    expect(await agent.locator("#reply-text-error").innerText()).toContain("Write a reply");
    await shot(agent, "5-thread-error");
  }, 60_000);

  it("refreshes the open inbox list by itself when a new conversation arrives", async () => {
    await agent.goto(`${stack!.url}/app/inbox`);
    expect(await agent.locator("#inbox-list tbody tr").count()).toBe(1);
    // A second visitor: a fresh browser profile, so a new visitor id and a new conversation.
    const other = await browser!.newContext();
    const page = await other.newPage();
    await page.goto(siteOrigin);
    await page.getByRole("button", { name: "Open chat" }).click();
    await page.getByLabel("Your message").fill("Do you sell gloves too?");
    await page.getByLabel("Your message").press("Enter");
    await page.getByRole("dialog").getByRole("listitem").filter({ hasText: "Do you sell gloves too?" }).waitFor();
    // The list polls every 15 s while visible; no reload here.
    await expect.poll(() => agent.locator("#inbox-list tbody tr").count(), { timeout: 25_000, interval: 500 }).toBe(2);
    expect(await agent.locator("#live-status").innerText()).toContain("Inbox updated");
    await other.close();
  }, 60_000);

  it("answers an unknown conversation with the 404 page", async () => {
    const res = await agent.goto(`${stack!.url}/app/inbox/${crypto.randomUUID()}`);
    expect(res?.status()).toBe(404);
    expect(await agent.locator("h1").innerText()).toBe("Not found");
  }, 30_000);
});
