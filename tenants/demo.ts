import { seedDemoSla } from "./demo-sla.ts";

/**
 * The demo workspace `npm run dev` seeds, through the public API (so seeding exercises the real path).
 * Credentials are documented in the README; they exist only in local databases.
 */
export const DEMO = {
  email: "demo@parley.local",
  password: "Parley-tryout-2026",
  organization: "Demo Company",
  name: "Dana Demo",
} as const;

export const DEMO_CONTACTS = [
  { name: "Sheena Nelson", phone: "+16505551234", language: "en", tags: ["vip"], attributes: { plan: "pro" } },
  { name: "Test Lastname", external_ids: { telegram: "1111111" }, language: "en", tags: ["telegram"] },
  { name: "Marta Rossi", email: "marta.rossi@example.com", language: "it", tags: ["lead"] },
  { name: "Kenji Sato", email: "kenji@example.jp", phone: "+81312345678", language: "ja" },
] as const;

export const DEMO_MEMBERS = [
  { email: "agent@parley.local", role: "agent" },
  { email: "billing@parley.local", role: "billing_admin" },
] as const;

/** Idempotent: an existing demo account is left as it is. Returns whether anything was created. */
export async function seedDemoTenant(baseUrl: string): Promise<boolean> {
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(body),
    });
  const signup = await post("/v1/auth/signup", DEMO);
  if (signup.status === 409) return false;
  if (signup.status !== 201) throw new Error(`seeding the demo tenant failed: ${signup.status} ${await signup.text()}`);
  const { access_token, user } = (await signup.json()) as { access_token: string; user: { id: string } };
  for (const contact of DEMO_CONTACTS) {
    const res = await post("/v1/contacts", contact, access_token);
    if (res.status !== 201) throw new Error(`seeding contact failed: ${res.status} ${await res.text()}`);
  }
  for (const member of DEMO_MEMBERS) {
    const res = await post("/v1/members", member, access_token);
    if (res.status !== 201) throw new Error(`seeding member failed: ${res.status} ${await res.text()}`);
  }
  await seedDemoTeam(baseUrl, access_token, user.id);
  await seedDemoSla(baseUrl, access_token);
  return true;
}

/**
 * A Support team (round robin) with the demo owner in it, online: an escalated conversation on any
 * channel lands with them (the workspace's oldest team is where conversations without a team go).
 */
async function seedDemoTeam(baseUrl: string, token: string, ownerId: string) {
  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${baseUrl}${path}`, { method, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const team = await send("POST", "/v1/teams", { name: "Support", routing: "round_robin", default_skills: [], member_ids: [ownerId] });
  if (team.status !== 201) throw new Error(`seeding the team failed: ${team.status} ${await team.text()}`);
  const members = (await (await send("GET", "/v1/members")).json()) as { data: Array<{ id: string; user_id: string }> };
  const owner = members.data.find((m) => m.user_id === ownerId);
  if (!owner) throw new Error("seeding the team failed: the owner is not a member");
  const online = await send("PATCH", `/v1/members/${owner.id}`, { availability: "online", capacity: 20, skills: ["lang:en", "billing"] });
  if (online.status !== 200) throw new Error(`seeding availability failed: ${online.status} ${await online.text()}`);
}
