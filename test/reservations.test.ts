import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Database } from "../src/db/client";
import { loadConfig, type Env } from "../src/env";
import { availableSlots, bookReservation, findReservationByCode } from "../src/services/reservations/reservations";
import { call, createTenant, expectError, expectStatus, ownerQuery, type TenantHandle } from "./harness";

// Dates far enough ahead never to be "past"; 2031-03-03 is a Monday.
const MONDAY = "2031-03-03";
const TUESDAY = "2031-03-04";

/** Every row the reservation verbs can write for a tenant: "changes nothing" is checked on all of it. */
async function reservationState(tenantId: string): Promise<string> {
  const queries = [
    "select * from reservations where tenant_id = $1 order by id",
    "select action, entity_id, data from audit_log where tenant_id = $1 and entity_type = 'reservation' order by id",
    "select type, aggregate_id, payload from outbox_events where tenant_id = $1 and aggregate_type = 'reservation' order by created_at, id",
  ];
  return JSON.stringify(await Promise.all(queries.map((q) => ownerQuery(q, [tenantId]))));
}

const book = (t: TenantHandle, body: Record<string, unknown>, token = t.owner.token) => call("POST", "/v1/reservations", { token, body });

async function setHours(t: TenantHandle, settings: { weekly: Array<{ day: string; open: string; close: string }>; slot_minutes: number; capacity: number; timezone?: string }) {
  await ownerQuery("insert into reservation_settings (tenant_id, timezone, weekly, slot_minutes, capacity) values ($1, $2, $3::jsonb, $4, $5)", [
    t.id,
    settings.timezone ?? "UTC",
    JSON.stringify(settings.weekly),
    settings.slot_minutes,
    settings.capacity,
  ]);
}

describe("reservations", () => {
  it("books a slot with a short unambiguous confirmation code, and records audit and outbox rows", async () => {
    const t = await createTenant();
    const contact = await t.createContact();
    const res = await book(t, { contact_id: contact.id, slot_date: MONDAY, slot_time: "10:30", party_size: 4, reservation_type: "table", location_name: "Lisbon", notes: "Window seat" });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ status: "confirmed", contact_id: contact.id, slot_date: MONDAY, slot_time: "10:30", party_size: 4, reservation_type: "table", location_name: "Lisbon", notes: "Window seat", cancelled_at: null });
    expect(res.body.confirmation_code).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
    expect(await ownerQuery("select action, actor_id from audit_log where entity_id = $1", [res.body.id])).toEqual([{ action: "reservation.created", actor_id: t.owner.userId }]);
    const events = await ownerQuery("select type, payload from outbox_events where aggregate_id = $1", [res.body.id]);
    expect(events).toEqual([{ type: "reservation.created", payload: expect.objectContaining({ confirmation_code: res.body.confirmation_code, slot_date: MONDAY, slot_time: "10:30" }) }]);
    const fetched = await call("GET", `/v1/reservations/${res.body.id}`, { token: t.owner.token });
    expect(fetched.body).toEqual(res.body);
  });

  it("refuses a taken slot with 409 and writes nothing", async () => {
    const t = await createTenant();
    const [a, b] = [await t.createContact(), await t.createContact()];
    expectStatus(await book(t, { contact_id: a.id, slot_date: MONDAY, slot_time: "11:00" }), 201);
    const before = await reservationState(t.id);
    const taken = await book(t, { contact_id: b.id, slot_date: MONDAY, slot_time: "11:00" });
    expectError(taken, 409, "CONFLICT");
    expect(await reservationState(t.id)).toBe(before);
  });

  it("gives a slot requested twice at once to exactly one of them", async () => {
    const t = await createTenant();
    const [a, b] = [await t.createContact(), await t.createContact()];
    const results = await Promise.all([a, b].map((c) => book(t, { contact_id: c.id, slot_date: MONDAY, slot_time: "12:00" })));
    expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join("\n")).toEqual([201, 409]);
    expect(await ownerQuery("select count(*)::int as n from reservations where tenant_id = $1 and status = 'confirmed'", [t.id])).toEqual([{ n: 1 }]);
  });

  it("fills a slot with capacity 2 from three requests at once, and counts what is left", async () => {
    const t = await createTenant();
    await setHours(t, { weekly: [{ day: "mon", open: "10:00", close: "12:00" }], slot_minutes: 60, capacity: 2 });
    const contacts = [await t.createContact(), await t.createContact(), await t.createContact()];
    const results = await Promise.all(contacts.map((c) => book(t, { contact_id: c.id, slot_date: MONDAY, slot_time: "10:00" })));
    expect(results.map((r) => r.status).sort(), results.map((r) => r.text).join("\n")).toEqual([201, 201, 409]);
    const slots = await call("GET", `/v1/reservations/slots?date=${MONDAY}`, { token: t.owner.token });
    expectStatus(slots, 200);
    expect(slots.body).toEqual({ date: MONDAY, slots: [{ time: "11:00", remaining: 2 }] });
  });

  it("frees the slot when a reservation is cancelled, and only a confirmed one can change", async () => {
    const t = await createTenant();
    const [a, b] = [await t.createContact(), await t.createContact()];
    const first = await book(t, { contact_id: a.id, slot_date: MONDAY, slot_time: "13:00" });
    const cancelled = await call("PATCH", `/v1/reservations/${first.body.id}`, { token: t.owner.token, body: { status: "cancelled" } });
    expectStatus(cancelled, 200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelled_at: expect.any(String), version: 2 });
    const second = await book(t, { contact_id: b.id, slot_date: MONDAY, slot_time: "13:00" });
    expectStatus(second, 201);
    const before = await reservationState(t.id);
    const again = await call("PATCH", `/v1/reservations/${first.body.id}`, { token: t.owner.token, body: { status: "no_show" } });
    expectError(again, 400, "VALIDATION_FAILED");
    expect(again.body.error.field).toBe("status");
    const back = await call("PATCH", `/v1/reservations/${second.body.id}`, { token: t.owner.token, body: { status: "confirmed" } });
    expectError(back, 400, "VALIDATION_FAILED");
    expect(back.body.error.field).toBe("status");
    expect(await reservationState(t.id)).toBe(before);
    const completed = await call("PATCH", `/v1/reservations/${second.body.id}`, { token: t.owner.token, body: { status: "completed" } });
    expect(completed.body.status).toBe("completed");
    const events = await ownerQuery("select payload from outbox_events where aggregate_id = $1 and type = 'reservation.updated'", [first.body.id]);
    expect(events.map((e) => e.payload.changes.status)).toEqual([{ from: "confirmed", to: "cancelled" }]);
  });

  it("offers the default hours (every day 09:00–17:00, half-hourly) minus taken slots, per location", async () => {
    const t = await createTenant();
    const contact = await t.createContact();
    const slots = async (query: string) => (await call("GET", `/v1/reservations/slots?${query}`, { token: t.owner.token })).body.slots.map((s: any) => s.time);
    const all = await slots(`date=${TUESDAY}`);
    expect(all).toHaveLength(16);
    expect([all[0], all.at(-1)]).toEqual(["09:00", "16:30"]);
    expectStatus(await book(t, { contact_id: contact.id, slot_date: TUESDAY, slot_time: "09:30" }), 201);
    expectStatus(await book(t, { contact_id: contact.id, slot_date: TUESDAY, slot_time: "10:00", location_name: "Porto" }), 201);
    expect(await slots(`date=${TUESDAY}`)).toEqual(all.filter((x: string) => x !== "09:30"));
    expect(await slots(`date=${TUESDAY}&location=Porto`)).toEqual(all.filter((x: string) => x !== "10:00"));
    // The same time at another location is a different slot.
    expectStatus(await book(t, { contact_id: contact.id, slot_date: TUESDAY, slot_time: "09:30", location_name: "Porto" }), 201);
    for (const date of ["2031-13-01", "0999-01-01", "2031-3-3"]) {
      const bad = await call("GET", `/v1/reservations/slots?date=${date}`, { token: t.owner.token });
      expectError(bad, 400, "VALIDATION_FAILED");
      expect(bad.body.error.field).toBe("date");
    }
  });

  it("refuses slots the workspace does not offer: off the grid, on a closed day, or in the past", async () => {
    const t = await createTenant();
    await setHours(t, { weekly: [{ day: "mon", open: "10:00", close: "12:00" }], slot_minutes: 60, capacity: 1 });
    const contact = await t.createContact();
    const before = await reservationState(t.id);
    for (const [slot_date, slot_time, field] of [
      [MONDAY, "10:30", "slot_time"],
      [MONDAY, "12:00", "slot_time"],
      [TUESDAY, "10:00", "slot_date"],
      ["2021-03-01", "10:00", "slot_date"],
    ] as const) {
      const res = await book(t, { contact_id: contact.id, slot_date, slot_time });
      expectError(res, 400, "VALIDATION_FAILED");
      expect(res.body.error.field, `${slot_date} ${slot_time}`).toBe(field);
    }
    expect(await reservationState(t.id)).toBe(before);
    expectStatus(await book(t, { contact_id: contact.id, slot_date: MONDAY, slot_time: "11:00" }), 201);
  });

  it.each([
    [{ slot_date: MONDAY, slot_time: "10:00" }, "contact_id"],
    [{ contact_id: "CONTACT", slot_date: "2031-02-30", slot_time: "10:00" }, "slot_date"],
    [{ contact_id: "CONTACT", slot_date: "03/03/2031", slot_time: "10:00" }, "slot_date"],
    [{ contact_id: "CONTACT", slot_date: MONDAY, slot_time: "25:00" }, "slot_time"],
    [{ contact_id: "CONTACT", slot_date: MONDAY, slot_time: "10:00", party_size: 0 }, "party_size"],
    [{ contact_id: "CONTACT", slot_date: MONDAY, slot_time: "10:00", conversation_id: "nope" }, "conversation_id"],
  ])("rejects %j naming %s, and writes nothing", async (body, field) => {
    const t = await createTenant();
    const contact = await t.createContact();
    const before = await reservationState(t.id);
    const res = await book(t, { ...body, ...("contact_id" in body && { contact_id: contact.id }) });
    expectError(res, 400, "VALIDATION_FAILED");
    expect(res.body.error.field).toBe(field);
    expect(await reservationState(t.id)).toBe(before);
  });

  it("returns 404 naming contact_id for another workspace's contact, and lets each workspace book the same slot", async () => {
    const [t, foreign] = await Promise.all([createTenant(), createTenant("Foreign")]);
    const [mine, theirs] = await Promise.all([t.createContact(), foreign.createContact()]);
    const before = await reservationState(t.id);
    const res = await book(t, { contact_id: theirs.id, slot_date: MONDAY, slot_time: "14:00" });
    expectError(res, 404, "NOT_FOUND");
    expect(res.body.error.field).toBe("contact_id");
    expect(await reservationState(t.id)).toBe(before);
    expectStatus(await book(t, { contact_id: mine.id, slot_date: MONDAY, slot_time: "14:00" }), 201);
    expectStatus(await book(foreign, { contact_id: theirs.id, slot_date: MONDAY, slot_time: "14:00" }), 201);
  });

  it("lists by date and status in slot order, paging with cursors", async () => {
    const t = await createTenant();
    const contact = await t.createContact();
    const times = ["15:00", "09:00", "12:30", "10:00"];
    const made: Record<string, string> = {};
    for (const time of times) made[time] = (await book(t, { contact_id: contact.id, slot_date: MONDAY, slot_time: time })).body.id;
    const other = await book(t, { contact_id: contact.id, slot_date: TUESDAY, slot_time: "09:00" });
    expectStatus(await call("PATCH", `/v1/reservations/${made["12:30"]}`, { token: t.owner.token, body: { status: "cancelled" } }), 200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await call("GET", `/v1/reservations?date=${MONDAY}&limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: t.owner.token });
      expectStatus(res, 200);
      seen.push(...res.body.data.map((r: any) => r.slot_time));
      cursor = res.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(["09:00", "10:00", "12:30", "15:00"]);
    const confirmed = await call("GET", "/v1/reservations?status=confirmed", { token: t.owner.token });
    expect(confirmed.body.data.map((r: any) => r.id)).toEqual([made["09:00"], made["10:00"], made["15:00"], other.body.id]);
  });

  it("returns 404 for another workspace's reservation and lets a viewer read but not book or cancel", async () => {
    const [t, foreign] = await Promise.all([createTenant(), createTenant("Foreign")]);
    const viewer = await t.createUser("viewer");
    const contact = await t.createContact();
    const { body: r } = await book(t, { contact_id: contact.id, slot_date: MONDAY, slot_time: "16:00" });
    const before = await reservationState(t.id);
    expectError(await call("GET", `/v1/reservations/${r.id}`, { token: foreign.owner.token }), 404, "NOT_FOUND");
    expectError(await call("PATCH", `/v1/reservations/${r.id}`, { token: foreign.owner.token, body: { status: "cancelled" } }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/reservations", { token: foreign.owner.token })).body.data).toEqual([]);
    expectError(await book(t, { contact_id: contact.id, slot_date: MONDAY, slot_time: "16:30" }, viewer.token), 403, "FORBIDDEN");
    expectError(await call("PATCH", `/v1/reservations/${r.id}`, { token: viewer.token, body: { status: "cancelled" } }), 403, "FORBIDDEN");
    expect(await reservationState(t.id)).toBe(before);
    expectStatus(await call("GET", `/v1/reservations?date=${MONDAY}`, { token: viewer.token }), 200);
  });
});

// The verbs a flow's `reservation` node calls, inside its own tenant transaction.
describe("reservation verbs inside a caller's transaction", () => {
  it("keeps the caller's transaction usable after a taken slot, so a flow can offer another", async () => {
    const t = await createTenant();
    const [a, b] = [await t.createContact(), await t.createContact()];
    expectStatus(await book(t, { contact_id: a.id, slot_date: MONDAY, slot_time: "09:00" }), 201);
    const db = new Database(loadConfig(env as unknown as Env));
    try {
      const booked = await db.scoped({ tenantId: t.id }, async (tx) => {
        await expect(bookReservation(tx, t.id, { contact_id: b.id, slot_date: MONDAY, slot_time: "09:00" })).rejects.toMatchObject({ code: "CONFLICT" });
        const [next] = await availableSlots(tx, t.id, { date: MONDAY });
        expect(next).toEqual({ time: "09:30", remaining: 1 });
        return bookReservation(tx, t.id, { contact_id: b.id, slot_date: MONDAY, slot_time: next!.time });
      });
      expect(booked).toMatchObject({ slot_time: "09:30", status: "confirmed" });
      const found = await db.scoped({ tenantId: t.id }, (tx) => findReservationByCode(tx, t.id, ` ${booked.confirmation_code.toLowerCase().slice(0, 3)}-${booked.confirmation_code.slice(3)} `));
      expect(found?.id).toBe(booked.id);
      expect(await db.scoped({ tenantId: t.id }, (tx) => findReservationByCode(tx, t.id, "ZZZZZZ"))).toBeUndefined();
    } finally {
      await db.close();
    }
    expect(await ownerQuery("select actor_type, actor_id from audit_log where entity_id = (select id::text from reservations where tenant_id = $1 and slot_time = '09:30')", [t.id])).toEqual([
      { actor_type: "system", actor_id: "flow" },
    ]);
  });
});
