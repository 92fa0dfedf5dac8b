import { and, asc, count, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { contacts, conversations, reservations, type ReservationStatus } from "../../db/schema";
import { decodeCursor, encodeCursor } from "../../lib/cursor";
import { AppError, notFound } from "../../lib/errors";
import { withTenant } from "../access";
import type { ServiceContext } from "../context";
import { authorOf, FLOW_AUTHOR, recordChange, type Author } from "../tickets/author";
import { newConfirmationCode, normalizeCode, ReservationInput, toReservation, type Reservation, type ReservationOutcome } from "./model";
import { parseInput } from "../tickets/validate";
import { isFuture, loadReservationConfig, slotGrid, type ReservationConfig } from "./settings";

const missing = (what: string, field: string) => new AppError("NOT_FOUND", `${what} not found`, { field });
const atLocation = (location: string | undefined | null) => sql`coalesce(${reservations.locationName}, '') = ${location ?? ""}`;

/** Confirmed bookings per slot time on a date at a location. */
async function takenOn(tx: Tx, tenantId: string, date: string, location?: string | null): Promise<Map<string, number>> {
  const rows = await tx
    .select({ time: reservations.slotTime, n: count() })
    .from(reservations)
    .where(and(eq(reservations.tenantId, tenantId), eq(reservations.slotDate, date), eq(reservations.status, "confirmed"), atLocation(location)))
    .groupBy(reservations.slotTime);
  return new Map(rows.map((r) => [r.time.slice(0, 5), r.n]));
}

/**
 * The slots a customer can still book on a date: the workspace's opening hours (or the defaults),
 * minus full ones and those already past in the workspace's zone. What a flow's `reservation` node offers.
 *
 * @example
 *   const slots = await availableSlots(tx, tenantId, { date: "2030-06-01" }); // [{ time: "09:00", remaining: 1 }, ...]
 */
export async function availableSlots(tx: Tx, tenantId: string, input: { date: string; location?: string }): Promise<Array<{ time: string; remaining: number }>> {
  const config = await loadReservationConfig(tx, tenantId);
  const taken = await takenOn(tx, tenantId, input.date, input.location);
  return slotGrid(config, input.date)
    .filter((time) => isFuture(config, input.date, time))
    .map((time) => ({ time, remaining: config.capacity - (taken.get(time) ?? 0) }))
    .filter((s) => s.remaining > 0);
}

function assertBookable(config: ReservationConfig, input: ReservationInput) {
  const grid = slotGrid(config, input.slot_date);
  if (grid.length === 0) throw new AppError("VALIDATION_FAILED", `No bookings are taken on ${input.slot_date}`, { field: "slot_date" });
  if (!grid.includes(input.slot_time)) {
    throw new AppError("VALIDATION_FAILED", `${input.slot_time} is not a bookable slot on ${input.slot_date} (${grid[0]}–${grid.at(-1)} every ${config.slotMinutes} minutes)`, { field: "slot_time" });
  }
  if (!isFuture(config, input.slot_date, input.slot_time)) throw new AppError("VALIDATION_FAILED", "That slot is in the past", { field: "slot_date" });
}

const slotTaken = () => new AppError("CONFLICT", "That slot is already booked", { field: "slot_time" });

/**
 * Books a slot inside the caller's transaction. Race-free without locks: each booking takes one of
 * the slot's places (`seat`), and the partial unique index over confirmed bookings lets only one
 * insert win a place. `ON CONFLICT DO NOTHING` keeps the caller's transaction usable when it loses,
 * so a flow can take its `on_unavailable` branch; the loser re-reads (the winner has committed by
 * then) and tries the next place, or gets 409 when none is left. A confirmation-code collision looks
 * the same and simply retries with a fresh code.
 */
export async function bookReservation(tx: Tx, tenantId: string, raw: ReservationInput, by: Author = FLOW_AUTHOR): Promise<Reservation> {
  const input = parseInput(ReservationInput, raw);
  const [contact] = await tx
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, input.contact_id), eq(contacts.tenantId, tenantId), isNull(contacts.deletedAt)));
  if (!contact) throw missing("Contact", "contact_id");
  if (input.conversation_id) {
    const [conv] = await tx
      .select({ contactId: conversations.contactId })
      .from(conversations)
      .where(and(eq(conversations.id, input.conversation_id), eq(conversations.tenantId, tenantId)));
    if (!conv) throw missing("Conversation", "conversation_id");
    if (conv.contactId !== input.contact_id) throw new AppError("VALIDATION_FAILED", "contact_id is not the contact of that conversation", { field: "contact_id" });
  }
  const config = await loadReservationConfig(tx, tenantId);
  assertBookable(config, input);

  for (let attempt = 0; attempt < config.capacity + 5; attempt++) {
    const held = await tx
      .select({ seat: reservations.seat })
      .from(reservations)
      .where(and(eq(reservations.tenantId, tenantId), eq(reservations.slotDate, input.slot_date), eq(reservations.slotTime, input.slot_time), eq(reservations.status, "confirmed"), atLocation(input.location_name)));
    const seats = new Set(held.map((h) => h.seat));
    let seat = 1;
    while (seats.has(seat)) seat++;
    if (seat > config.capacity) throw slotTaken();
    const id = crypto.randomUUID();
    const [row] = await tx
      .insert(reservations)
      .values({
        id,
        tenantId,
        confirmationCode: newConfirmationCode(),
        contactId: input.contact_id,
        conversationId: input.conversation_id ?? null,
        reservationType: input.reservation_type ?? null,
        locationName: input.location_name ?? null,
        slotDate: input.slot_date,
        slotTime: input.slot_time,
        seat,
        partySize: input.party_size ?? 1,
        notes: input.notes ?? null,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) continue;
    const reservation = toReservation(row);
    await recordChange(tx, tenantId, by, {
      entityType: "reservation",
      entityId: id,
      action: "reservation.created",
      data: { confirmation_code: reservation.confirmation_code, slot_date: reservation.slot_date, slot_time: reservation.slot_time },
      event: { reservation_id: id, confirmation_code: reservation.confirmation_code, contact_id: reservation.contact_id, conversation_id: reservation.conversation_id, slot_date: reservation.slot_date, slot_time: reservation.slot_time, location_name: reservation.location_name },
    });
    return reservation;
  }
  throw slotTaken();
}

export async function findReservation(tx: Tx, tenantId: string, id: string, lock = false) {
  const q = tx.select().from(reservations).where(and(eq(reservations.id, id), eq(reservations.tenantId, tenantId))).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  if (!row) throw notFound("Reservation");
  return row;
}

/** A booking by the code the customer was given (any case, spaces and dashes ignored), for the bot's cancellations. */
export async function findReservationByCode(tx: Tx, tenantId: string, code: string): Promise<Reservation | undefined> {
  const [row] = await tx
    .select()
    .from(reservations)
    .where(and(eq(reservations.tenantId, tenantId), eq(reservations.confirmationCode, normalizeCode(code))))
    .limit(1);
  return row ? toReservation(row) : undefined;
}

/** Ends a confirmed booking: cancelled (its place is free again at once), completed, or no-show. */
export async function setReservationStatus(tx: Tx, tenantId: string, input: { id: string; status: ReservationOutcome }, by: Author = FLOW_AUTHOR): Promise<Reservation> {
  const current = await findReservation(tx, tenantId, input.id, true);
  if (current.status !== "confirmed") {
    throw new AppError("VALIDATION_FAILED", `A ${current.status} reservation cannot become ${input.status}; only confirmed ones change`, { field: "status" });
  }
  const [row] = await tx
    .update(reservations)
    .set({ status: input.status, ...(input.status === "cancelled" && { cancelledAt: sql`now()` }), updatedAt: sql`now()`, version: sql`${reservations.version} + 1` })
    .where(eq(reservations.id, current.id))
    .returning();
  const changes = { status: { from: current.status, to: input.status } };
  await recordChange(tx, tenantId, by, {
    entityType: "reservation",
    entityId: current.id,
    action: "reservation.updated",
    data: changes,
    event: { reservation_id: current.id, confirmation_code: current.confirmationCode, changes },
  });
  return toReservation(row!);
}

export async function createReservation({ ctx, input }: { ctx: ServiceContext; input: ReservationInput }): Promise<Reservation> {
  return withTenant(ctx, "reservations:write", (tx, p) => bookReservation(tx, p.tenant.id, input, authorOf(ctx, p)));
}

export async function getReservation({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<Reservation> {
  return withTenant(ctx, "reservations:read", async (tx, p) => toReservation(await findReservation(tx, p.tenant.id, input.id)));
}

export async function updateReservation({ ctx, input }: { ctx: ServiceContext; input: { id: string; status: ReservationOutcome } }): Promise<Reservation> {
  return withTenant(ctx, "reservations:write", (tx, p) => setReservationStatus(tx, p.tenant.id, input, authorOf(ctx, p)));
}

export async function listAvailableSlots({ ctx, input }: { ctx: ServiceContext; input: { date: string; location?: string } }) {
  return withTenant(ctx, "reservations:read", async (tx, p) => ({ date: input.date, slots: await availableSlots(tx, p.tenant.id, input) }));
}

export interface ReservationListInput {
  date?: string;
  status?: ReservationStatus;
  contact_id?: string;
  cursor?: string;
  limit: number;
}

/** In slot order (earliest first), keyset-paged on (slot, id). */
export async function listReservations({ ctx, input }: { ctx: ServiceContext; input: ReservationListInput }) {
  return withTenant(ctx, "reservations:read", async (tx) => {
    const filters: SQL[] = [];
    if (input.date) filters.push(eq(reservations.slotDate, input.date));
    if (input.status) filters.push(eq(reservations.status, input.status));
    if (input.contact_id) filters.push(eq(reservations.contactId, input.contact_id));
    const slot = sql`(${reservations.slotDate} + ${reservations.slotTime})`;
    const after = input.cursor ? decodeCursor(input.cursor) : undefined;
    // The cursor's instant is the slot's wall-clock time written as UTC; it is only compared, never shown.
    if (after) filters.push(sql`(${slot}, ${reservations.id}) > (${after.at.toISOString().slice(0, 19)}::timestamp, ${after.id}::uuid)`);
    const rows = await tx
      .select()
      .from(reservations)
      .where(filters.length ? and(...filters) : undefined)
      .orderBy(asc(reservations.slotDate), asc(reservations.slotTime), asc(reservations.id))
      .limit(input.limit + 1);
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    return {
      data: page.map(toReservation),
      next_cursor: rows.length > input.limit && last ? encodeCursor(new Date(`${last.slotDate}T${last.slotTime}Z`), last.id) : null,
    };
  });
}
