import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { defaultFlowDefinition } from "../tenants/default-flow";
import { Database } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { ensureDefaultFlow, resolveFlowForChannel } from "../src/services/flows/runtime";
import { createApiChannel } from "./channel-harness";
import { call, createHarness, createTenant, expectError, expectStatus, ownerQuery, withSql, type TenantHandle } from "./harness";
import { WebClient } from "./web-client";

const HELLO = { start: "hello", nodes: { hello: { type: "message", text: { en: "Hello!", es: "¡Hola!" }, next: "bye" }, bye: { type: "end" } } };
const HELLO_V2 = { start: "hello", nodes: { hello: { type: "message", text: "Hello again!", next: "bye" }, bye: { type: "end" } } };

async function createFlow(t: TenantHandle, definition: unknown = HELLO, token = t.owner.token) {
  const res = await call("POST", "/v1/flows", { token, body: { name: "Support bot", definition } });
  expectStatus(res, 201);
  return res.body;
}

const publish = (t: TenantHandle, id: string, version?: number) => call("POST", `/v1/flows/${id}/publish`, { token: t.owner.token, body: version === undefined ? {} : { version } });

const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
  const db = new Database(loadConfig(env as unknown as Env));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
};

describe("flows API", () => {
  it("creates a flow as draft version 1 and lists it", async () => {
    const t = await createTenant();
    const flow = await createFlow(t);
    expect(flow).toMatchObject({ name: "Support bot", version: 1, status: "draft", published_version: null, definition: HELLO });
    const list = await call("GET", "/v1/flows", { token: t.owner.token });
    expectStatus(list, 200);
    expect(list.body.data.map((f: { id: string }) => f.id)).toContain(flow.id);
  });

  it("saves an edit as a new draft version and leaves the earlier one as it was", async () => {
    const t = await createTenant();
    const flow = await createFlow(t);
    const edited = await call("PUT", `/v1/flows/${flow.id}`, { token: t.owner.token, body: { definition: HELLO_V2 } });
    expectStatus(edited, 200);
    expect(edited.body).toMatchObject({ version: 2, status: "draft", latest_version: 2, definition: HELLO_V2 });
    const v1 = await call("GET", `/v1/flows/${flow.id}?version=1`, { token: t.owner.token });
    expect(v1.body.definition).toEqual(HELLO);
  });

  it("publishes the latest version and rolls back by publishing an older one", async () => {
    const t = await createTenant();
    const flow = await createFlow(t);
    expectStatus(await call("PUT", `/v1/flows/${flow.id}`, { token: t.owner.token, body: { definition: HELLO_V2 } }), 200);
    const published = await publish(t, flow.id);
    expectStatus(published, 200);
    expect(published.body).toMatchObject({ id: flow.id, version: 2, status: "published", published_version: 2 });

    const rolledBack = await publish(t, flow.id, 1);
    expectStatus(rolledBack, 200);
    expect(rolledBack.body).toMatchObject({ version: 1, status: "published", published_version: 1, definition: HELLO });
    const versions = await call("GET", `/v1/flows/${flow.id}/versions`, { token: t.owner.token });
    expect(versions.body.data.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
      [2, "archived"],
      [1, "published"],
    ]);
    const v2 = await call("GET", `/v1/flows/${flow.id}?version=2`, { token: t.owner.token });
    expect(v2.body.definition).toEqual(HELLO_V2);
  });

  it("refuses to publish an invalid graph with 422 naming the node", async () => {
    const t = await createTenant();
    const flow = await createFlow(t, { start: "hello", nodes: { hello: { type: "message", text: "Hi", next: "nowhere" }, call: { type: "http", url: "http://10.0.0.1/hook" } } });
    const res = await publish(t, flow.id);
    expectError(res, 422, "FLOW_INVALID");
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { node: "hello", problem: "next points to missing node nowhere" },
        { node: "call", problem: "is not reachable from the start" },
        { node: "call", problem: "url must use https" },
      ]),
    );
    const [row] = await ownerQuery("select published_version from flows where id = $1", [flow.id]);
    expect(row.published_version).toBeNull();
  });

  it("refuses a definition that is not a flow with 422 naming the node", async () => {
    const t = await createTenant();
    const res = await call("POST", "/v1/flows", { token: t.owner.token, body: { name: "Broken", definition: { start: "a", nodes: { a: { type: "teleport" } } } } });
    expectError(res, 422, "FLOW_INVALID");
    expect(res.body.error.details).toEqual([{ node: "a", problem: expect.any(String) }]);
  });

  it("accepts seed 001's definition shape", async () => {
    const t = await createTenant();
    const flow = await createFlow(t, {
      start_node_id: "node_start",
      nodes: [
        { id: "node_start", action: { type: "reply", payload: { text: "Hi" } }, consequences: [{ condition: "urgency_score > 0.8", next_node_id: "node_escalate" }, { condition: null, next_node_id: "node_end" }] },
        { id: "node_escalate", action: { type: "escalate_human", payload: {} } },
        { id: "node_end", action: { type: "end" } },
      ],
    });
    expect(flow.definition.start).toBe("node_start");
    expectStatus(await publish(t, flow.id), 200);
  });

  it("keeps a published version's definition frozen in the database itself", async () => {
    const t = await createTenant();
    const flow = await createFlow(t);
    expectStatus(await publish(t, flow.id), 200);
    await expect(ownerQuery(`update flow_versions set definition = '{"start":"x","nodes":{}}' where flow_id = $1 and version = 1`, [flow.id])).rejects.toThrow(/cannot change/);
    await expect(ownerQuery("delete from flow_versions where flow_id = $1", [flow.id])).rejects.toThrow(/cannot be deleted/);
  });

  it("lets agents read flows but not change them", async () => {
    const t = await createTenant();
    const flow = await createFlow(t);
    const agent = await t.createUser("agent");
    expectStatus(await call("GET", `/v1/flows/${flow.id}`, { token: agent.token }), 200);
    expectError(await call("PUT", `/v1/flows/${flow.id}`, { token: agent.token, body: { definition: HELLO_V2 } }), 403, "FORBIDDEN");
    const supervisor = await t.createUser("supervisor");
    expectStatus(await call("PUT", `/v1/flows/${flow.id}`, { token: supervisor.token, body: { definition: HELLO_V2 } }), 200);
  });

  it("returns 404 for another tenant's flow, to read, edit, publish or simulate", async () => {
    const { tenant, foreign } = await createHarness();
    const flow = await createFlow(tenant);
    const token = foreign.owner.token;
    expectError(await call("GET", `/v1/flows/${flow.id}`, { token }), 404, "NOT_FOUND");
    expectError(await call("PUT", `/v1/flows/${flow.id}`, { token, body: { definition: HELLO_V2 } }), 404, "NOT_FOUND");
    expectError(await call("POST", `/v1/flows/${flow.id}/publish`, { token, body: {} }), 404, "NOT_FOUND");
    expectError(await call("POST", `/v1/flows/${flow.id}/simulate`, { token, body: { messages: ["hola"] } }), 404, "NOT_FOUND");
    const list = await call("GET", "/v1/flows", { token });
    expect(list.body.data.map((f: { id: string }) => f.id)).not.toContain(flow.id);
    expect(await ownerQuery("select count(*)::int as n from flow_versions where flow_id = $1", [flow.id])).toEqual([{ n: 1 }]);
  });
});

describe("simulator", () => {
  it("greets in Spanish and escalates a request for a person, storing nothing", async () => {
    const t = await createTenant();
    const flow = await createFlow(t, defaultFlowDefinition());
    const before = await ownerQuery("select (select count(*)::int from flow_action_logs where tenant_id = $1) as logs, (select count(*)::int from outbox_events where tenant_id = $1) as events", [t.id]);

    const hola = await call("POST", `/v1/flows/${flow.id}/simulate`, { token: t.owner.token, body: { messages: ["hola"] } });
    expectStatus(hola, 200);
    expect(hola.body.replies).toEqual(["¡Hola! Soy el asistente virtual. ¿En qué puedo ayudarte hoy?"]);
    expect(hola.body.outcome).toBe("ended");

    const person = await call("POST", `/v1/flows/${flow.id}/simulate`, { token: t.owner.token, body: { messages: ["quiero hablar con una persona"] } });
    expectStatus(person, 200);
    expect(person.body.outcome).toBe("escalated");
    expect(person.body.replies[0]).toContain("Te paso con una persona");
    expect(person.body.steps.map((s: { node: string }) => s.node)).toEqual(["triage", "handoff", "escalate"]);

    const after = await ownerQuery("select (select count(*)::int from flow_action_logs where tenant_id = $1) as logs, (select count(*)::int from outbox_events where tenant_id = $1) as events", [t.id]);
    expect(after).toEqual(before);
  });

  it("carries state across messages: an unanswered question offers a human, and yes hands off", async () => {
    const t = await createTenant();
    const flow = await createFlow(t, defaultFlowDefinition());
    const res = await call("POST", `/v1/flows/${flow.id}/simulate`, { token: t.owner.token, body: { messages: ["hola", "¿cuánto cuesta el envío a Madrid?", "sí"] } });
    expectStatus(res, 200);
    expect(res.body.replies[1]).toContain("¿Quieres hablar con una persona?");
    expect(res.body.outcome).toBe("escalated");
    expect(res.body.variables).toMatchObject({ greeted: true, wants_human: "yes" });
  });
});

describe("default flow and channel resolution", () => {
  it("creates and publishes the default flow once per workspace, at sign-up", async () => {
    const t = await createTenant();
    await withDb(async (db) => {
      // Sign-up made it; asking again (a retried sign-up, a backfill) finds it and changes nothing.
      const first = await db.scoped({ tenantId: t.id }, (tx) => ensureDefaultFlow(tx, t.id));
      const second = await db.scoped({ tenantId: t.id }, (tx) => ensureDefaultFlow(tx, t.id));
      expect(first.created).toBe(false);
      expect(second).toEqual({ flowId: first.flowId, created: false });
    });
    const rows = await ownerQuery("select f.is_default, f.published_version, v.status from flows f join flow_versions v on v.flow_id = f.id where f.tenant_id = $1 and f.is_default", [t.id]);
    expect(rows).toEqual([{ is_default: true, published_version: 1, status: "published" }]);
  });

  it("runs the channel's own published flow, else the workspace default", async () => {
    const t = await createTenant();
    const channel = await createApiChannel(t);
    const own = await createFlow(t);
    await withDb(async (db) => {
      const { flowId: defaultId } = await db.scoped({ tenantId: t.id }, (tx) => ensureDefaultFlow(tx, t.id));
      expect(await db.scoped({ tenantId: t.id }, (tx) => resolveFlowForChannel(tx, channel.id))).toMatchObject({ flowId: defaultId, version: 1 });
      // Assigned but never published: the default still answers.
      await ownerQuery("update channels set flow_id = $1 where id = $2", [own.id, channel.id]);
      expect(await db.scoped({ tenantId: t.id }, (tx) => resolveFlowForChannel(tx, channel.id))).toMatchObject({ flowId: defaultId });
      expectStatus(await publish(t, own.id), 200);
      const resolved = await db.scoped({ tenantId: t.id }, (tx) => resolveFlowForChannel(tx, channel.id));
      expect(resolved).toMatchObject({ flowId: own.id, version: 1, definition: HELLO });
    });
  });

  it("refuses a channel naming another workspace's flow, in the database itself", async () => {
    const { tenant, foreign } = await createHarness();
    const channel = await createApiChannel(tenant);
    const theirs = await createFlow(foreign);
    await expect(ownerQuery("update channels set flow_id = $1 where id = $2", [theirs.id, channel.id])).rejects.toThrow(/foreign key/);
  });
});

describe("flows under row-level security", () => {
  it("shows the app role only the current tenant's flows, versions and logs, and refuses writes into another", async () => {
    const { tenant, foreign } = await createHarness();
    const flow = await createFlow(tenant);
    await withSql("app", async (client) => {
      await client.query("begin");
      try {
        await client.query("select set_config('role', 'parley_app', true), set_config('app.tenant_id', $1, true)", [foreign.id]);
        for (const table of ["flows", "flow_versions", "flow_action_logs"]) {
          const { rows } = await client.query(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenant.id]);
          expect(rows, table).toEqual([{ n: 0 }]);
        }
        await expect(client.query("insert into flows (id, tenant_id, name) values (gen_random_uuid(), $1, 'x')", [tenant.id])).rejects.toThrow(/row-level security/);
      } finally {
        await client.query("rollback");
      }
    });
    const [own] = await ownerQuery("select count(*)::int as n from flows where id = $1", [flow.id]);
    expect(own.n).toBe(1);
  });
});

describe("flows page", () => {
  it("renders a flow for a member: definition, graph, problems per node and versions", async () => {
    const t = await createTenant();
    const flow = await createFlow(t, { start: "hello", nodes: { hello: { type: "message", text: "Hi", next: "ghost" } } });
    const web = await WebClient.signIn(await t.createUser("viewer"));
    const list = await web.get("/app/flows");
    expect(list.status, list.text).toBe(200);
    expect(list.text).toContain(`/app/flows/${flow.id}`);
    const page = await web.get(`/app/flows/${flow.id}`);
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain('<textarea id="flow-definition"');
    expect(page.text).toContain("<svg");
    expect(page.text).toMatch(/<code>hello<\/code><\/strong>: next points to missing node ghost/);
    expect(page.text).not.toContain("<script");
    expect(page.text).not.toContain("Save draft"); // a viewer reads, never edits
  });

  it("saves a draft, publishes it and simulates it from the page", async () => {
    const t = await createTenant();
    const flow = await createFlow(t);
    const web = await WebClient.signIn(t.owner);
    await web.get(`/app/flows/${flow.id}`);
    const saved = await web.post(`/app/flows/${flow.id}/draft`, { definition: JSON.stringify(defaultFlowDefinition()) });
    expect(saved.status, saved.text).toBe(303);
    expect(saved.headers.get("location")).toBe(`/app/flows/${flow.id}?version=2`);
    const published = await web.post(`/app/flows/${flow.id}/publish`, { version: "2" });
    expect(published.status, published.text).toBe(200);
    expect(published.text).toContain("v2 is published");
    const simulated = await web.post(`/app/flows/${flow.id}/simulate`, { version: "2", messages: "hola\nquiero hablar con una persona" });
    expect(simulated.status, simulated.text).toBe(200);
    expect(simulated.text).toContain("¡Hola! Soy el asistente virtual.");
    expect(simulated.text).toContain("Handed off to a person.");
  });

  it("shows another workspace's flow as not found, and refuses its forms", async () => {
    const { tenant, foreign } = await createHarness();
    const flow = await createFlow(tenant);
    const web = await WebClient.signIn(foreign.owner);
    await web.get("/app/flows");
    const page = await web.get(`/app/flows/${flow.id}`);
    expect(page.status, page.text).toBe(404);
    const saved = await web.post(`/app/flows/${flow.id}/draft`, { definition: JSON.stringify(HELLO_V2) });
    expect(saved.status, saved.text).toBe(404);
    expect(await ownerQuery("select count(*)::int as n from flow_versions where flow_id = $1", [flow.id])).toEqual([{ n: 1 }]);
  });

  it("keeps a draft that is not JSON in the textarea and says why", async () => {
    const t = await createTenant();
    const flow = await createFlow(t);
    const web = await WebClient.signIn(t.owner);
    await web.get(`/app/flows/${flow.id}`);
    const res = await web.post(`/app/flows/${flow.id}/draft`, { definition: "{ not json" });
    expect(res.status, res.text).toBe(400);
    expect(res.text).toContain("The definition is not JSON");
    expect(res.text).toContain("{ not json");
    expect(await ownerQuery("select count(*)::int as n from flow_versions where flow_id = $1", [flow.id])).toEqual([{ n: 1 }]);
  });
});
