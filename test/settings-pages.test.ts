// The Teams and SLA page (/app/settings): lists, adds and deletes teams and SLA policies through the
// same services as the API, with CSRF, roles and another workspace's ids holding as everywhere.
import { describe, expect, it } from "vitest";
import { call, createTenant, expectStatus } from "./harness";
import { WebClient } from "./web-client";

describe("the Teams and SLA page", () => {
  it("adds a team and a business-hours SLA policy, shows them, and deletes them", async () => {
    const t = await createTenant("Settings");
    const web = await WebClient.signIn(t.owner);
    const empty = await web.get("/app/settings");
    expect(empty.status).toBe(200);
    expect(empty.text).toContain("No teams yet");

    const team = await web.post("/app/settings/teams", { name: "Billing desk", routing: "skills", default_skills: "billing, es" });
    expect(team.status, team.text).toBe(303);
    const policy = await web.post("/app/settings/sla", {
      name: "Standard",
      first_response_min: "30",
      resolution_h: "24",
      timezone: "Europe/Madrid",
      day_mon: "on",
      day_tue: "on",
      day_wed: "on",
      day_thu: "on",
      day_fri: "on",
      open: "09:00",
      close: "18:00",
      is_default: "on",
    });
    expect(policy.status, policy.text).toBe(303);

    const page = await web.get("/app/settings");
    expect(page.text).toContain("Billing desk");
    expect(page.text).toContain("billing, es");
    expect(page.text).toContain("mon, tue, wed, thu, fri 09:00–18:00 (Europe/Madrid)");
    expect(page.text).toContain("30 min");
    expect(page.text).toContain("24 h");

    // What the page made is what the API sees.
    const teams = await call("GET", "/v1/teams", { token: t.owner.token });
    expect(teams.body.data[0]).toMatchObject({ name: "Billing desk", routing: "skills", default_skills: ["billing", "es"] });
    const policies = await call("GET", "/v1/sla-policies", { token: t.owner.token });
    expect(policies.body.data[0]).toMatchObject({ name: "Standard", first_response_s: 1800, resolution_s: 86_400, is_default: true, business_hours: { timezone: "Europe/Madrid" } });

    // Bad input re-renders with the reason and stores nothing.
    const bad = await web.post("/app/settings/sla", { name: "Broken", first_response_min: "0" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("First response must be a whole number above 0");
    expect((await web.post("/app/settings/sla", { name: "Hex", first_response_min: "0x10" })).status).toBe(400);
    const badTz = await web.post("/app/settings/sla", { name: "Nowhere", first_response_min: "10", timezone: "Mars/Olympus", day_mon: "on" });
    expect(badTz.status).toBe(400);
    expect((await call("GET", "/v1/sla-policies", { token: t.owner.token })).body.data).toHaveLength(1);
    // A forged form (no CSRF token) changes nothing.
    expect((await web.post("/app/settings/teams", { name: "Forged" }, { csrf: false })).status).toBe(403);
    // Nor does a token of the forger's choosing planted as a plain cookie: on https only __Host- counts.
    web.plant("parley_csrf", "a".repeat(43));
    expect((await web.post("/app/settings/teams", { name: "Tossed", _csrf: "a".repeat(43) }, { csrf: false })).status).toBe(403);
    expect((await call("GET", "/v1/teams", { token: t.owner.token })).body.data).toHaveLength(1);

    // Another workspace cannot delete these: its delete is a 404 and the rows stay.
    const other = await WebClient.signIn((await createTenant("Other settings")).owner);
    await other.get("/app/settings");
    expect((await other.post(`/app/settings/teams/${teams.body.data[0].id}/delete`, {})).status).toBe(404);
    expect((await call("GET", "/v1/teams", { token: t.owner.token })).body.data).toHaveLength(1);

    expect((await web.post(`/app/settings/teams/${teams.body.data[0].id}/delete`, {})).status).toBe(303);
    expect((await web.post(`/app/settings/sla/${policies.body.data[0].id}/delete`, {})).status).toBe(303);
    const after = await web.get("/app/settings");
    expect(after.text).toContain("No teams yet");
    expect(after.text).toContain("No SLA policy yet");
  });

  it("shows an agent the settings without the forms, and refuses their posts", async () => {
    const t = await createTenant("Settings roles");
    const agent = await t.createUser("agent");
    const web = await WebClient.signIn(agent);
    const page = await web.get("/app/settings");
    expect(page.status).toBe(200);
    expect(page.text).not.toContain("Add a team");
    expect(page.text).not.toContain("Add a policy");
    expect((await web.post("/app/settings/teams", { name: "Mine" })).status).toBe(403);
    expectStatus(await call("GET", "/v1/teams", { token: t.owner.token }), 200);
    expect((await call("GET", "/v1/teams", { token: t.owner.token })).body.data).toHaveLength(0);
  });
});
