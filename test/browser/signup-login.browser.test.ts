// The web app in real headless Chromium against `wrangler dev` (the stack `npm run dev` runs), driven
// by keyboard where it is cheap, to prove the plain-HTML forms work without a mouse or any script.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/free-port.ts";
import { generateSigningKeys } from "../../scripts/lib/jwt-keys.ts";
import { startStack, type Stack } from "../../scripts/lib/stack.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PASSWORD = "Orbit-lantern-77";

let stack: Stack | undefined;
let persistTo: string | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;

const run = crypto.randomUUID().slice(0, 8);
const email = `owner-${run}@example.com`;
const organization = `Browser Test Org ${run}`;

/** What a user sees, to print with any failed assertion. */
async function pageText(): Promise<string> {
  const text = await page.locator("body").innerText().catch(() => "(no body)");
  return `at ${page.url()}:\n${text}`;
}

async function expectPath(pathname: string) {
  await page.waitForURL((u) => u.pathname === pathname, { timeout: 15_000 }).catch(() => {});
  expect(new URL(page.url()).pathname, await pageText()).toBe(pathname);
}

async function expectSee(...snippets: string[]) {
  const text = await pageText();
  for (const s of snippets) expect(text, text).toContain(s);
}

/** The inline error tied to a field: aria-invalid plus the message it is described by. */
async function expectFieldError(label: string, message: string) {
  const input = page.getByLabel(label, { exact: true });
  const text = await pageText();
  expect(await input.getAttribute("aria-invalid"), text).toBe("true");
  const describedBy = (await input.getAttribute("aria-describedby")) ?? "";
  const errorId = describedBy.split(" ").find((id) => id.endsWith("-error"));
  expect(errorId, text).toBeTruthy();
  expect(await page.locator(`[id="${errorId}"]`).innerText(), text).toContain(message);
}

async function logIn(password: string) {
  await page.goto(`${stack!.url}/login`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Password", { exact: true }).press("Enter");
  await page.waitForLoadState();
}

describe("web app: sign up, log out, log in", () => {
  beforeAll(async () => {
    persistTo = await mkdtemp(path.join(tmpdir(), "parley-browser-"));
    stack = await startStack({ port: await freePort(), jwtSigningKeys: await generateSigningKeys(), persistTo, quiet: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
    context = await browser.newContext();
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (persistTo) await rm(persistTo, { recursive: true, force: true });
  }, 60_000);

  it("signs up a new organization with the keyboard and lands in its workspace as owner", async () => {
    await page.goto(`${stack!.url}/signup`);
    // Tab order is the visual order: organization, name, email, password, then Enter submits.
    await page.getByLabel("Organization").focus();
    await page.keyboard.type(organization);
    await page.keyboard.press("Tab");
    await page.keyboard.type("Olive Owner");
    await page.keyboard.press("Tab");
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");

    await expectPath("/app");
    await expectSee(organization, "owner", "Members", "Contacts");
    const me = page.locator("#members tbody tr", { hasText: email });
    expect(await me.count(), await pageText()).toBe(1);
    expect(await me.innerText(), await pageText()).toContain("owner");
  }, 60_000);

  it("keeps the session in an HttpOnly, SameSite cookie", async () => {
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "parley_session");
    expect(session, JSON.stringify(cookies.map((c) => c.name))).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe("Lax");
    expect(session!.path).toBe("/");
    const csrf = cookies.find((c) => c.name === "parley_csrf");
    expect(csrf?.httpOnly).toBe(true);
    expect(csrf?.sameSite).toBe("Strict");
  });

  it("rejects a POST without the CSRF token and changes nothing", async () => {
    const res = await context.request.post(`${stack!.url}/logout`, { form: {}, maxRedirects: 0 });
    expect(res.status(), await res.text()).toBe(403);
    expect(await res.text()).toContain("Your form expired");
    await page.goto(`${stack!.url}/app`);
    await expectPath("/app");
  }, 60_000);

  it("shows an inline error when the email is already taken, keeping the input", async () => {
    await page.goto(`${stack!.url}/signup`);
    await page.getByLabel("Organization").fill("Another Org");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Password", { exact: true }).press("Enter");
    await page.waitForLoadState();

    await expectPath("/signup");
    await expectFieldError("Email", "already exists");
    await expectSee("There is a problem");
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe(email);
    expect(await page.getByLabel("Password", { exact: true }).inputValue(), "the password is never echoed").toBe("");
  }, 60_000);

  it("logs out to the login page", async () => {
    await page.goto(`${stack!.url}/app`);
    await page.getByRole("button", { name: "Log out" }).press("Enter");
    await expectPath("/login");
    expect((await context.cookies()).find((c) => c.name === "parley_session"), "session cookie cleared").toBeUndefined();
    await page.goto(`${stack!.url}/app`);
    await expectPath("/login");
  }, 60_000);

  it("shows an inline error for a wrong password, keeping the email", async () => {
    await logIn("not-the-right-password-1");
    await expectPath("/login");
    await expectFieldError("Password", "Invalid email or password");
    expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe(email);
  }, 60_000);

  it("logs in with the right password and lands in the workspace", async () => {
    await logIn(PASSWORD);
    await expectPath("/app");
    await expectSee(organization, "owner", email);
  }, 60_000);
});
