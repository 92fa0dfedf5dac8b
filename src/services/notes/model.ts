import { z } from "@hono/zod-openapi";
import { refineText } from "../../lib/storable-text";

export const NoteInput = z.object({
  content: z.string().trim().min(1).max(10_000).superRefine(refineText).openapi({ description: "Internal only, never sent to the customer. `@name` or `@email` mentions a member, who is notified" }),
});
export type NoteInput = z.infer<typeof NoteInput>;

export const NoteSchema = z
  .object({
    id: z.string().uuid(),
    conversation_id: z.string().uuid(),
    author_id: z.string().uuid().nullable(),
    author_type: z.string().openapi({ description: "`user`, or `automation` / `system` for notes Parley wrote" }),
    content: z.string(),
    mentions: z.array(z.string().uuid()).openapi({ description: "User ids of the members mentioned" }),
    created_at: z.string(),
  })
  .openapi("Note");
export type Note = z.infer<typeof NoteSchema>;

export const NotificationSchema = z
  .object({
    id: z.string().uuid(),
    kind: z.enum(["mention", "assignment"]),
    conversation_id: z.string().uuid().nullable(),
    note_id: z.string().uuid().nullable(),
    actor_id: z.string().uuid().nullable(),
    body: z.string(),
    read_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi("Notification");
export type Notification = z.infer<typeof NotificationSchema>;
