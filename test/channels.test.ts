import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Database } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { AppError } from "../src/lib/errors";
import { createLogger } from "../src/lib/log";
import { createChannel as createChannel_ } from "../src/services/channels/channels";
import { credentialsAad, decryptCredentials, encryptCredentials } from "../src/services/channels/credentials";
import { loadChannelForWebhook } from "../src/services/channels/lookup";
import { channelBody, createChannel, type ChannelKind } from "./channels-fixtures";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery } from "./harness";
import { subscribe } from "./billing-harness";

const config = () => loadConfig(env as unknown as Env);
const TYPES: ChannelKind[] = ["whatsapp", "telegram", "twilio_sms", "api", "webchat", "email"];

async function channelRow(id: string) {
  const [row] = await ownerQuery("select * from channels where id = $1", [id]);
  return row;
}

describe("channels: connecting", () => {
  it.each(TYPES)("creates a %s channel, and no response or row holds a secret in plain text", async (type) => {
    const t = await createTenant();
    const body = channelBody(type);
    const res = await call("POST", "/v1/channels", { token: t.owner.token, body });
    expectStatus(res, 201);
    const ch = res.body;
    expect(ch).toMatchObject({ type, name: body.name, status: "active", debounce_ms: 15000, max_wait_ms: 60000, version: 1 });
    expect(ch.webhook_url).toBe(`https://parley.test/hooks/${type}/${t.id}/${ch.id}`);
    expect(ch.has_credentials, res.text).toBe(type !== "webchat");
    expect(ch.credentials, res.text).toBeUndefined();

    const secrets = Object.values(body.credentials ?? {});
    const got = await call("GET", `/v1/channels/${ch.id}`, { token: t.owner.token });
    const list = await call("GET", "/v1/channels", { token: t.owner.token });
    expectStatus(got, 200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([ch.id]);
    const row = await channelRow(ch.id);
    for (const secret of secrets) {
      for (const text of [got.text, list.text, JSON.stringify(row)]) expect(text).not.toContain(secret);
    }
    if (ch.has_credentials) {
      expect(row.credentials_ciphertext).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      expect(row.credentials_key_id).toBe(Object.keys(JSON.parse(env.CREDENTIALS_KEYS))[0]);
    } else {
      expect([row.credentials_ciphertext, row.credentials_key_id]).toEqual([null, null]);
    }
    const audit = await ownerQuery("select action, data from audit_log where entity_id = $1", [ch.id]);
    expect(audit).toEqual([{ action: "channel.created", data: { type } }]);
    expect(await ownerQuery("select type from outbox_events where aggregate_id = $1", [ch.id])).toEqual([{ type: "channel.created" }]);
  });

  it("generates an api signing secret when none is given, returns it once, and stores it encrypted", async () => {
    const t = await createTenant();
    const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "api", name: "Website API" } });
    expectStatus(res, 201);
    const secret = res.body.signing_secret as string;
    expect(secret, res.text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const got = await call("GET", `/v1/channels/${res.body.id}`, { token: t.owner.token });
    expect(got.body.signing_secret).toBeUndefined();
    expect(got.text).not.toContain(secret);
    const row = await channelRow(res.body.id);
    expect(JSON.stringify(row)).not.toContain(secret);
    const db = new Database(config());
    try {
      const loaded = await db.scoped({ tenantId: t.id }, (tx) => loadChannelForWebhook(tx, res.body.id, config()));
      expect(loaded?.credentials).toEqual({ signing_secret: secret });
    } finally {
      await db.close();
    }
    // A secret the customer chose is not echoed back.
    const chosen = await call("POST", "/v1/channels", { token: t.owner.token, body: { type: "api", name: "Mine", credentials: { signing_secret: "x".repeat(40) } } });
    expectStatus(chosen, 201);
    expect(chosen.body.signing_secret).toBeUndefined();
  });

  it.each([
    ["whatsapp", { credentials: { app_secret: "s", verify_token: "v", access_token: "EAAG123" } }, "credentials.phone_number_id"],
    ["whatsapp", { credentials: undefined }, "credentials"],
    ["whatsapp", { credentials: { app_secret: "s", verify_token: "v", access_token: "has space", phone_number_id: "12345678" } }, "credentials.access_token"],
    ["telegram", { credentials: { bot_token: "123456:AAbb", secret_token: "has space" } }, "credentials.secret_token"],
    ["telegram", { credentials: { bot_token: "123456:AAbb", secret_token: "x".repeat(257) } }, "credentials.secret_token"],
    ["telegram", { credentials: { bot_token: "../../evil", secret_token: "ok_secret_token_1234" } }, "credentials.bot_token"],
    ["telegram", { credentials: { bot_token: "123456:AAbb", secret_token: "ok_secret_token_1234", extra: "leak" } }, "credentials"],
    ["twilio_sms", { credentials: { account_sid: "AC123", auth_token: "t".repeat(32) } }, "credentials.account_sid"],
    ["twilio_sms", { config: { from: "555-1234" } }, "config.from"],
    ["twilio_sms", { config: {} }, "config.from"],
    ["api", { credentials: { signing_secret: "short" } }, "credentials.signing_secret"],
    ["webchat", { config: { allowed_origins: ["https://shop.example.com/path"] } }, "config.allowed_origins.0"],
    ["webchat", { credentials: { token: "x" } }, "credentials"],
    ["email", { credentials: { password: "x" } }, "credentials"],
    ["telegram", { debounce_ms: 700_000 }, "debounce_ms"],
    ["telegram", { debounce_ms: 30_000, max_wait_ms: 20_000 }, "max_wait_ms"],
  ] as Array<[ChannelKind, Record<string, unknown>, string]>)("rejects a %s channel with %j naming %s, and writes nothing", async (type, overrides, field) => {
    const t = await createTenant();
    const res = await call("POST", "/v1/channels", { token: t.owner.token, body: { ...channelBody(type), ...overrides } });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field, res.text).toBe(field);
    expect(await ownerQuery("select id from channels where tenant_id = $1", [t.id])).toEqual([]);
    expect(await ownerQuery("select id from audit_log where tenant_id = $1 and action like 'channel.%'", [t.id])).toEqual([]);
  });

  it("defaults max_wait_ms up to a long debounce", async () => {
    const t = await createTenant();
    const { channel } = await createChannel(t, "webchat", { debounce_ms: 90_000 });
    expect(channel).toMatchObject({ debounce_ms: 90_000, max_wait_ms: 90_000 });
  });
});

describe("channels: credentials at rest", () => {
  it("binds each ciphertext to its channel: moved to another channel or tenant, it does not decrypt", async () => {
    const { tenant, foreign } = await createHarness();
    const a = await createChannel(tenant, "telegram");
    const b = await createChannel(tenant, "telegram");
    const f = await createChannel(foreign, "telegram");
    const rowA = await channelRow(a.channel.id);
    const cfg = config();
    expect(await decryptCredentials(cfg, credentialsAad(tenant.id, a.channel.id), rowA.credentials_ciphertext, rowA.credentials_key_id)).toEqual(a.body.credentials);
    await expect(decryptCredentials(cfg, credentialsAad(tenant.id, b.channel.id), rowA.credentials_ciphertext, rowA.credentials_key_id)).rejects.toThrow(/failed to decrypt/);
    await expect(decryptCredentials(cfg, credentialsAad(foreign.id, f.channel.id), rowA.credentials_ciphertext, rowA.credentials_key_id)).rejects.toThrow(/failed to decrypt/);

    // The same through the webhook lookup, after copying A's ciphertext onto B's row.
    await ownerQuery("update channels set credentials_ciphertext = $1, credentials_key_id = $2 where id = $3", [rowA.credentials_ciphertext, rowA.credentials_key_id, b.channel.id]);
    const db = new Database(cfg);
    try {
      await expect(db.scoped({ tenantId: tenant.id }, (tx) => loadChannelForWebhook(tx, b.channel.id, cfg))).rejects.toThrow(/failed to decrypt/);
      const loaded = await db.scoped({ tenantId: tenant.id }, (tx) => loadChannelForWebhook(tx, a.channel.id, cfg));
      expect(loaded).toMatchObject({ id: a.channel.id, tenantId: tenant.id, type: "telegram", credentials: a.body.credentials, debounceMs: 15000, maxWaitMs: 60000, status: "active" });
      // Row-level security: another tenant's scope does not see the channel at all.
      expect(await db.scoped({ tenantId: foreign.id }, (tx) => loadChannelForWebhook(tx, a.channel.id, cfg))).toBeUndefined();
      expect(await db.scoped({ tenantId: tenant.id }, (tx) => loadChannelForWebhook(tx, "not-a-uuid", cfg))).toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it("uses a fresh IV each time and decrypts with any configured key, encrypting with the first", async () => {
    const extra = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const current = JSON.parse(env.CREDENTIALS_KEYS) as Record<string, string>;
    const rotated = { CREDENTIALS_KEYS: JSON.stringify({ newer: extra, ...current }) };
    const old = await encryptCredentials(config(), "t:c", { k: "v" });
    const again = await encryptCredentials(config(), "t:c", { k: "v" });
    expect(again.ciphertext).not.toBe(old.ciphertext);
    expect(await decryptCredentials(rotated, "t:c", old.ciphertext, old.keyId)).toEqual({ k: "v" });
    const fresh = await encryptCredentials(rotated, "t:c", { k: "v" });
    expect(fresh.keyId).toBe("newer");
    await expect(decryptCredentials(config(), "t:c", fresh.ciphertext, fresh.keyId)).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });

  it("refuses to store credentials without CREDENTIALS_KEYS: 503, never plain text", async () => {
    await expect(encryptCredentials({ CREDENTIALS_KEYS: '{"1": "abc"}' }, "t:c", { k: "v" })).rejects.toMatchObject({ code: "UNAVAILABLE" });
    // The service as a Worker without the key would run it (bindings are fixed per test run).
    const t = await createTenant();
    const cfg = { ...config(), CREDENTIALS_KEYS: undefined };
    const db = new Database(cfg);
    const ctx = { requestId: "test", config: cfg, env: env as unknown as Env, db, log: createLogger({}, true), tenantId: t.id, actor: { type: "user" as const, userId: t.owner.userId, sessionId: t.owner.sessionId } };
    try {
      const err = await createChannel_({ ctx, input: channelBody("telegram") }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "UNAVAILABLE", status: 503, message: expect.stringContaining("CREDENTIALS_KEYS") });
      // Channels without credentials still work.
      expect(await createChannel_({ ctx, input: channelBody("webchat") })).toMatchObject({ type: "webchat", has_credentials: false });
    } finally {
      await db.close();
    }
    expect(await ownerQuery("select type from channels where tenant_id = $1", [t.id])).toEqual([{ type: "webchat" }]);
  });
});

describe("channels: managing", () => {
  it("renames, rotates credentials and disables with optimistic locking; a stale version is 409", async () => {
    const t = await createTenant();
    const { channel } = await createChannel(t, "telegram");
    const before = await channelRow(channel.id);
    const rotated = { bot_token: "987654321:AAnewtoken_abcdefghijklmnopqrstuvw", secret_token: "rotated_secret_token_1" };
    const res = await call("PATCH", `/v1/channels/${channel.id}`, { token: t.owner.token, body: { name: "Renamed bot", credentials: rotated, status: "disabled", version: 1 } });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ name: "Renamed bot", status: "disabled", version: 2, has_credentials: true });
    expect(res.text).not.toContain(rotated.bot_token);
    const after = await channelRow(channel.id);
    expect(after.credentials_ciphertext).not.toBe(before.credentials_ciphertext);
    expect(await decryptCredentials(config(), credentialsAad(t.id, channel.id), after.credentials_ciphertext, after.credentials_key_id)).toEqual(rotated);
    const [audit] = await ownerQuery("select data from audit_log where entity_id = $1 and action = 'channel.updated'", [channel.id]);
    expect(JSON.stringify(audit.data)).not.toContain(rotated.bot_token);

    expectError(await call("PATCH", `/v1/channels/${channel.id}`, { token: t.owner.token, body: { name: "Lost" }, headers: { "if-match": '"1"' } }), 409, "VERSION_CONFLICT");
    const bad = await call("PATCH", `/v1/channels/${channel.id}`, { token: t.owner.token, body: { credentials: { bot_token: "nope" } } });
    expectError(bad, 400, "VALIDATION_FAILED");
    expect(bad.body.error.field).toBe("credentials.bot_token");
    expect((await channelRow(channel.id)).version).toBe(2);
  });

  it("rotates an api channel's signing secret on an empty credentials object, showing the new one once", async () => {
    const t = await createTenant();
    const { channel } = await createChannel(t, "api");
    const res = await call("PATCH", `/v1/channels/${channel.id}`, { token: t.owner.token, body: { credentials: {} } });
    expectStatus(res, 200);
    expect(res.body.signing_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body.signing_secret).not.toBe(channel.signing_secret);
  });

  it("soft-deletes: gone from the API, credentials destroyed, invisible to the webhook lookup", async () => {
    const t = await createTenant();
    const { channel } = await createChannel(t, "whatsapp");
    expectStatus(await call("DELETE", `/v1/channels/${channel.id}`, { token: t.owner.token }), 204);
    expectError(await call("GET", `/v1/channels/${channel.id}`, { token: t.owner.token }), 404, "NOT_FOUND");
    expectError(await call("DELETE", `/v1/channels/${channel.id}`, { token: t.owner.token }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/channels", { token: t.owner.token })).body.data).toEqual([]);
    const row = await channelRow(channel.id);
    expect(row.deleted_at).not.toBeNull();
    expect([row.credentials_ciphertext, row.credentials_key_id]).toEqual([null, null]);
    const db = new Database(config());
    try {
      expect(await db.scoped({ tenantId: t.id }, (tx) => loadChannelForWebhook(tx, channel.id, config()))).toBeUndefined();
    } finally {
      await db.close();
    }
  });

  it("returns 404 for another tenant's channel on GET, PATCH and DELETE, and changes nothing", async () => {
    const { tenant, foreign } = await createHarness();
    const { channel } = await createChannel(tenant, "telegram");
    const before = await channelRow(channel.id);
    expectError(await call("GET", `/v1/channels/${channel.id}`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expectError(await call("PATCH", `/v1/channels/${channel.id}`, { token: foreign.owner.token, body: { name: "Hijacked", status: "disabled" } }), 404, "NOT_FOUND");
    expectError(await call("DELETE", `/v1/channels/${channel.id}`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/channels", { token: foreign.owner.token })).body.data).toEqual([]);
    expect(await channelRow(channel.id)).toEqual(before);
  });

  it("lets agents read channels but not connect them; lists page with cursors and filter by type", async () => {
    const t = await createTenant();
    await subscribe(t, "starter"); // three channels: more than the trial's two
    const agent = await t.createUser("agent");
    const ids: string[] = [];
    for (const type of ["webchat", "telegram", "webchat"] as const) ids.push((await createChannel(t, type)).channel.id);
    expectError(await call("POST", "/v1/channels", { token: agent.token, body: channelBody("webchat") }), 403, "FORBIDDEN");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await call("GET", `/v1/channels?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: agent.token });
      expectStatus(res, 200);
      seen.push(...res.body.data.map((c: { id: string }) => c.id));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const telegram = await call("GET", "/v1/channels?type=telegram", { token: agent.token });
    expect(telegram.body.data.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
  });
});
