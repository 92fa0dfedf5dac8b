/**
 * The demo workspace's SLA and automation: a default policy on support hours with a tighter first
 * reply for urgent conversations, and a rule that raises the priority of a conversation whose SLA
 * breaches and leaves a note for the team. Seeded through the public API, like the rest of the demo.
 */
export const DEMO_SLA_POLICY = {
  name: "Standard support",
  first_response_s: 15 * 60,
  next_response_s: 30 * 60,
  resolution_s: 8 * 3600,
  warning_pct: 80,
  is_default: true,
  business_hours: { timezone: "UTC", weekly: (["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const).map((day) => ({ day, open: "07:00", close: "21:00" })), holidays: [] as string[] },
  overrides: [{ priority: "P0", first_response_s: 5 * 60 }, { priority: "P1", first_response_s: 10 * 60 }, { channel_type: "email", first_response_s: 4 * 3600 }],
};

export const DEMO_BREACH_RULE = {
  name: "SLA breached: raise priority and tell the team",
  trigger: "sla.breached",
  actions: [
    { type: "set_priority", priority: "P1" },
    { type: "add_note", content: "The {{sla.metric}} SLA was breached; priority raised automatically." },
    { type: "add_label", label: "sla-breached" },
  ],
  priority: 10,
};

export async function seedDemoSla(baseUrl: string, token: string): Promise<void> {
  const post = (path: string, body: unknown) => fetch(`${baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const policy = await post("/v1/sla-policies", DEMO_SLA_POLICY);
  if (policy.status !== 201) throw new Error(`seeding the SLA policy failed: ${policy.status} ${await policy.text()}`);
  const rule = await post("/v1/automation-rules", DEMO_BREACH_RULE);
  if (rule.status !== 201) throw new Error(`seeding the automation rule failed: ${rule.status} ${await rule.text()}`);
}
