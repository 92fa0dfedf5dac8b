/**
 * WhatsApp Cloud API `messages` webhook → NormalizedInbound[].
 * One delivery can batch several entries, changes, messages and statuses, so the result is a list
 * in payload order. Shapes follow Meta's "messages webhook reference".
 */
import { z } from "zod";
import {
  compact,
  InboundParseError,
  type InboundStatus,
  type MessageContent,
  type NormalizedInbound,
  parseWith,
  toE164,
} from "./inbound";

// Meta sends Unix seconds as a digit string; accept a number too rather than fail on a quirk.
const Seconds = z.union([z.string().regex(/^\d+$/, "expected Unix seconds"), z.number().int().nonnegative()]);

const Envelope = z.object({
  entry: z.array(z.object({ changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

const Contact = z.object({
  wa_id: z.string().optional(),
  // Business-scoped user id: present for every user since 2026, the only id once a username hides the phone.
  user_id: z.string().optional(),
  profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
});

const Value = z.object({
  contacts: z.array(Contact).optional(),
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

// Loose: the type-specific body (text, image, …) stays on the object for the content parsers below.
const Message = z.looseObject({
  id: z.string().min(1),
  // Either may be absent alone: `from` (the phone-based wa_id) is withheld for username-only users.
  from: z.string().min(1).optional(),
  from_user_id: z.string().min(1).optional(),
  timestamp: Seconds,
  type: z.string().min(1),
  context: z.object({ id: z.string().optional() }).optional(),
});

const Status = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: Seconds,
  recipient_id: z.string().optional(),
  errors: z
    .array(z.object({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional(), error_data: z.object({ details: z.string().optional() }).optional() }))
    .optional(),
});

const Media = z.object({ id: z.string().optional(), url: z.string().optional(), mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional() });
const Location = z.object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() });
const SharedContacts = z.array(
  z.object({
    name: z.object({ formatted_name: z.string().optional(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
    phones: z.array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
    emails: z.array(z.object({ email: z.string().optional() })).optional(),
  }),
);
const Interactive = z.object({
  type: z.string(),
  button_reply: z.object({ title: z.string() }).optional(),
  list_reply: z.object({ title: z.string() }).optional(),
});

type WaMessage = z.output<typeof Message>;

function content(msg: WaMessage, at: string): MessageContent {
  const body = <S extends z.ZodType>(schema: S, key: string): z.output<S> => parseWith(schema, msg[key], "whatsapp", `${at}.${key}`);
  switch (msg.type) {
    case "text":
      return { type: "text", text: body(z.object({ body: z.string() }), "text").body };
    case "image":
    case "audio":
    case "video":
    case "document":
    case "sticker": {
      const m = body(Media, msg.type);
      return compact({ type: "media" as const, mediaType: msg.type, mediaId: m.id, url: m.url, mimeType: m.mime_type, caption: m.caption, filename: m.filename });
    }
    case "location": {
      const l = body(Location, "location");
      return compact({ type: "location" as const, latitude: l.latitude, longitude: l.longitude, name: l.name, address: l.address });
    }
    case "contacts": {
      const list = body(SharedContacts, "contacts");
      const contacts = list.map((c) => {
        const phones = (c.phones ?? []).map((p) => p.phone ?? p.wa_id).filter((p): p is string => !!p);
        const emails = (c.emails ?? []).map((e) => e.email).filter((e): e is string => !!e);
        const name = c.name?.formatted_name ?? ([c.name?.first_name, c.name?.last_name].filter(Boolean).join(" ") || undefined);
        return compact({ name, phones: phones.length ? phones : undefined, emails: emails.length ? emails : undefined });
      });
      return { type: "contacts", contacts };
    }
    case "reaction": {
      const r = body(z.object({ message_id: z.string().min(1), emoji: z.string().optional() }), "reaction");
      return { type: "reaction", emoji: r.emoji ?? "", targetExternalId: r.message_id };
    }
    case "interactive": {
      const i = body(Interactive, "interactive");
      const title = i.button_reply?.title ?? i.list_reply?.title;
      return title !== undefined ? { type: "text", text: title } : { type: "unsupported", providerType: `interactive:${i.type}` };
    }
    case "button": // quick-reply button on a template message
      return { type: "text", text: body(z.object({ text: z.string() }), "button").text };
    case "unsupported": {
      // Meta names the real type (poll, edit, …) under `unsupported.type` when it knows it.
      const inner = z.object({ type: z.string().min(1) }).safeParse(msg["unsupported"]);
      return { type: "unsupported", providerType: inner.success ? inner.data.type : "unsupported" };
    }
    default:
      return { type: "unsupported", providerType: msg.type };
  }
}

// "played" (voice note listened to) implies read; other statuses (e.g. "deleted") have no place in the model.
const STATUS_MAP: Record<string, InboundStatus> = { sent: "sent", delivered: "delivered", read: "read", played: "read", failed: "failed" };

function statusError(errors: z.output<typeof Status>["errors"]): string | undefined {
  const e = errors?.[0];
  if (!e) return undefined;
  const head = [e.code, e.title ?? e.message].filter((p) => p !== undefined).join(" ");
  return [head, e.error_data?.details].filter(Boolean).join(": ") || undefined;
}

export function parseWhatsApp(json: unknown): NormalizedInbound[] {
  const envelope = parseWith(Envelope, json, "whatsapp", "");
  const out: NormalizedInbound[] = [];
  envelope.entry.forEach((entry, e) => {
    entry.changes.forEach((change, c) => {
      if (change.field !== "messages") return; // template, account and quality updates share the endpoint
      const at = `entry[${e}].changes[${c}].value`;
      const value = parseWith(Value, change.value, "whatsapp", at);
      value.messages?.forEach((rawMsg, m) => {
        const msgAt = `${at}.messages[${m}]`;
        const msg = parseWith(Message, rawMsg, "whatsapp", msgAt);
        const contacts = value.contacts ?? [];
        const contact =
          contacts.find((k) => (msg.from && k.wa_id === msg.from) || (msg.from_user_id && k.user_id === msg.from_user_id)) ??
          (contacts.length === 1 ? contacts[0] : undefined);
        const id = msg.from ?? msg.from_user_id;
        if (!id) throw new InboundParseError("whatsapp", `${msgAt}.from`, "from or from_user_id is required");
        out.push(
          compact({
            kind: "message" as const,
            externalId: msg.id,
            from: compact({ id, name: contact?.profile?.name, phone: toE164(msg.from), username: contact?.profile?.username }),
            timestamp: Number(msg.timestamp) * 1000,
            content: content(msg, msgAt),
            replyTo: msg.context?.id,
            raw: rawMsg,
          }),
        );
      });
      value.statuses?.forEach((rawStatus, s) => {
        const st = parseWith(Status, rawStatus, "whatsapp", `${at}.statuses[${s}]`);
        const status = STATUS_MAP[st.status];
        if (!status) return;
        out.push(compact({ kind: "status" as const, externalId: st.id, status, timestamp: Number(st.timestamp) * 1000, recipientId: st.recipient_id, error: statusError(st.errors) }));
      });
    });
  });
  return out;
}
