import { z } from "@hono/zod-openapi";
import { RESERVATION_STATUSES, type reservations } from "../../db/schema";
import { refineText } from "../../lib/storable-text";

type ReservationRow = typeof reservations.$inferSelect;

export const SlotDate = z
  .string()
  // Years 1000–9999: what both JavaScript dates and Postgres `date` read the same way.
  .regex(/^[1-9]\d{3}-\d{2}-\d{2}$/, "Must be a date like 2030-06-01")
  // Runs even when the pattern failed: an unparsable string must be a false, not a thrown RangeError.
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().startsWith(d);
  }, "Must be a real calendar date")
  .openapi({ example: "2030-06-01" });
export const SlotTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Must be a 24-hour time like 19:30").openapi({ example: "19:30" });

const text = (max: number) => z.string().trim().min(1).max(max).superRefine(refineText);

/** What a booking is made with, from the API or a flow's `reservation` node. */
export const ReservationInput = z.object({
  contact_id: z.string().uuid(),
  slot_date: SlotDate,
  slot_time: SlotTime,
  party_size: z.number().int().min(1).max(1000).optional(),
  reservation_type: text(100).optional(),
  location_name: text(200).optional().openapi({ description: "Each location has its own slots" }),
  notes: z.string().trim().max(2000).superRefine(refineText).optional(),
  conversation_id: z.string().uuid().optional(),
});
export type ReservationInput = z.infer<typeof ReservationInput>;

/** Bookings only leave `confirmed`; there is no way back (book again instead). */
export const RESERVATION_OUTCOMES = ["cancelled", "completed", "no_show"] as const;
export type ReservationOutcome = (typeof RESERVATION_OUTCOMES)[number];

export const ReservationSchema = z
  .object({
    id: z.string().uuid(),
    confirmation_code: z.string().openapi({ example: "K7M3XQ" }),
    status: z.enum(RESERVATION_STATUSES),
    contact_id: z.string().uuid(),
    conversation_id: z.string().uuid().nullable(),
    slot_date: z.string(),
    slot_time: z.string(),
    party_size: z.number().int(),
    reservation_type: z.string().nullable(),
    location_name: z.string().nullable(),
    notes: z.string().nullable(),
    cancelled_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    version: z.number().int(),
  })
  .openapi("Reservation");
export type Reservation = z.infer<typeof ReservationSchema>;

export function toReservation(r: ReservationRow): Reservation {
  return {
    id: r.id,
    confirmation_code: r.confirmationCode,
    status: r.status,
    contact_id: r.contactId,
    conversation_id: r.conversationId,
    slot_date: r.slotDate,
    slot_time: r.slotTime.slice(0, 5),
    party_size: r.partySize,
    reservation_type: r.reservationType,
    location_name: r.locationName,
    notes: r.notes,
    cancelled_at: r.cancelledAt ? r.cancelledAt.toISOString() : null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
    version: r.version,
  };
}

/** Letters and digits a customer cannot confuse when reading or typing: no 0/O, no 1/I. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const CODE_LENGTH = 6;

/** 32 symbols divide 256 evenly, so `byte % 32` is uniform: 32^6 ≈ 10^9 codes per workspace. */
export function newConfirmationCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  return Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join("");
}

/** How customers type codes back: any case, with spaces or dashes. */
export const normalizeCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, "");
