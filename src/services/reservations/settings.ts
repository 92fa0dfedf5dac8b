import { z } from "@hono/zod-openapi";
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { reservationSettings, type OpeningHours } from "../../db/schema";
import { SlotTime } from "./model";

export interface ReservationConfig {
  timezone: string;
  weekly: OpeningHours[];
  slotMinutes: number;
  /** Bookings one slot holds (tables, chairs, rooms): 1 unless the workspace says otherwise. */
  capacity: number;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** Without settings a workspace takes bookings every day, 09:00–17:00 in UTC, one per half hour. */
export const DEFAULT_RESERVATION_CONFIG: ReservationConfig = {
  timezone: "UTC",
  weekly: DAYS.map((day) => ({ day, open: "09:00", close: "17:00" })),
  slotMinutes: 30,
  capacity: 1,
};

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const ReservationSettingsInput = z.object({
  timezone: z.string().min(1).max(64).refine(validZone, "Must be an IANA time zone like Europe/Lisbon"),
  weekly: z
    .array(z.object({ day: z.enum(DAYS), open: SlotTime, close: SlotTime }).refine((h) => h.open < h.close, { message: "open must be before close", path: ["close"] }))
    .max(50),
  slot_minutes: z.number().int().min(5).max(24 * 60),
  capacity: z.number().int().min(1).max(1000),
});
export type ReservationSettingsInput = z.infer<typeof ReservationSettingsInput>;

export async function loadReservationConfig(tx: Tx, tenantId: string): Promise<ReservationConfig> {
  const [row] = await tx.select().from(reservationSettings).where(eq(reservationSettings.tenantId, tenantId));
  if (!row) return DEFAULT_RESERVATION_CONFIG;
  return { timezone: row.timezone, weekly: row.weekly, slotMinutes: row.slotMinutes, capacity: row.capacity };
}

/** Replaces the workspace's booking settings (validate with ReservationSettingsInput first). */
export async function saveReservationSettings(tx: Tx, tenantId: string, input: ReservationSettingsInput): Promise<void> {
  const values = { timezone: input.timezone, weekly: input.weekly, slotMinutes: input.slot_minutes, capacity: input.capacity };
  await tx
    .insert(reservationSettings)
    .values({ tenantId, ...values })
    .onConflictDoUpdate({ target: reservationSettings.tenantId, set: { ...values, updatedAt: sql`now()` } });
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

/** Slot start times on a date (its weekday's opening hours, each slot ending by closing time), sorted. */
export function slotGrid(config: ReservationConfig, date: string): string[] {
  const day = DAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
  const times = new Set<string>();
  for (const h of config.weekly.filter((w) => w.day === day)) {
    for (let m = minutes(h.open); m + config.slotMinutes <= minutes(h.close); m += config.slotMinutes) times.add(hhmm(m));
  }
  return [...times].sort();
}

/** The wall-clock date and time now in the workspace's zone: "past" is judged where the tenant is. */
export function localNow(timezone: string, now = new Date()): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(now)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Whether a slot starts strictly after now in the workspace's zone. */
export function isFuture(config: ReservationConfig, date: string, time: string, now = new Date()): boolean {
  const local = localNow(config.timezone, now);
  return date > local.date || (date === local.date && time > local.time);
}
