/**
 * Telegram Bot API Update → NormalizedInbound[] (zero or one item).
 * Only `message` and `edited_message` carry conversation content; other update kinds
 * (callback_query, my_chat_member, …) are acknowledged upstream and produce nothing here.
 */
import { z } from "zod";
import { compact, fullName, type MessageContent, type NormalizedInbound, parseWith } from "./inbound";

const User = z.object({
  id: z.number(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

const Chat = z.object({
  // Up to 52 significant bits per Telegram, so a JS number holds it exactly.
  id: z.number().int(),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});

const File = z.object({ file_id: z.string().min(1), mime_type: z.string().optional(), file_name: z.string().optional() });
const PhotoSize = z.object({ file_id: z.string().min(1), width: z.number(), height: z.number(), file_size: z.number().optional() });
const Location = z.object({ latitude: z.number(), longitude: z.number() });

const Message = z.looseObject({
  message_id: z.number().int(),
  date: z.number().int(),
  edit_date: z.number().int().optional(),
  chat: Chat,
  from: User.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(PhotoSize).min(1).optional(),
  document: File.optional(),
  audio: File.optional(),
  voice: File.optional(),
  video: File.optional(),
  video_note: File.optional(),
  animation: File.optional(),
  sticker: z.object({ file_id: z.string().min(1), is_animated: z.boolean().optional(), is_video: z.boolean().optional() }).optional(),
  location: Location.optional(),
  venue: z.object({ location: Location, title: z.string().optional(), address: z.string().optional() }).optional(),
  contact: z.object({ phone_number: z.string(), first_name: z.string().optional(), last_name: z.string().optional() }).optional(),
  reply_to_message: z.object({ message_id: z.number().int() }).optional(),
});

const Update = z.object({ update_id: z.number().int(), message: z.unknown().optional(), edited_message: z.unknown().optional() });

type TgMessage = z.output<typeof Message>;

// Content kinds we recognise but cannot represent, named after their Message field for the UI.
const KNOWN_UNSUPPORTED = ["poll", "dice", "game", "invoice", "story", "paid_media", "checklist", "giveaway", "successful_payment", "web_app_data"];

function content(m: TgMessage): MessageContent {
  const caption = m.caption;
  const file = (mediaType: "document" | "audio" | "video", f: z.output<typeof File>): MessageContent =>
    compact({ type: "media" as const, mediaType, mediaId: f.file_id, mimeType: f.mime_type, filename: f.file_name, caption });

  if (m.text !== undefined) return { type: "text", text: m.text };
  if (m.photo) {
    // Telegram sends every resolution it generated; keep the largest for the agent view.
    const best = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return compact({ type: "media" as const, mediaType: "image" as const, mediaId: best.file_id, caption });
  }
  // Animations also carry a `document` for old clients, so they must be matched first.
  if (m.animation) return file("video", m.animation);
  if (m.video) return file("video", m.video);
  if (m.video_note) return file("video", m.video_note);
  if (m.voice) return file("audio", m.voice);
  if (m.audio) return file("audio", m.audio);
  if (m.document) return file("document", m.document);
  if (m.sticker) {
    const mimeType = m.sticker.is_animated ? "application/x-tgsticker" : m.sticker.is_video ? "video/webm" : "image/webp";
    return { type: "media", mediaType: "sticker", mediaId: m.sticker.file_id, mimeType };
  }
  // A venue also carries a bare `location`; prefer the venue for its name and address.
  if (m.venue) return compact({ type: "location" as const, ...m.venue.location, name: m.venue.title, address: m.venue.address });
  if (m.location) return { type: "location", latitude: m.location.latitude, longitude: m.location.longitude };
  if (m.contact) {
    const name = fullName(m.contact.first_name, m.contact.last_name);
    return { type: "contacts", contacts: [compact({ name, phones: [m.contact.phone_number] })] };
  }
  return { type: "unsupported", providerType: KNOWN_UNSUPPORTED.find((k) => m[k] !== undefined) ?? "unknown" };
}

export function parseTelegram(update: unknown): NormalizedInbound[] {
  const u = parseWith(Update, update, "telegram", "");
  const edited = u.message === undefined && u.edited_message !== undefined;
  const rawMessage = edited ? u.edited_message : u.message;
  if (rawMessage === undefined) return [];

  const m = parseWith(Message, rawMessage, "telegram", edited ? "edited_message" : "message");
  // message_id is only unique within a chat, so the chat id is part of every external id.
  const chatId = String(m.chat.id);
  return [
    compact({
      kind: "message" as const,
      externalId: `${chatId}:${m.message_id}`,
      // The conversation is the chat (a private chat's id equals the user's id); groups keep their title.
      from: compact({
        id: chatId,
        name: m.chat.title ?? fullName(m.chat.first_name, m.chat.last_name) ?? fullName(m.from?.first_name, m.from?.last_name),
        username: m.chat.username ?? m.from?.username,
        language: m.from?.language_code,
      }),
      timestamp: (edited ? (m.edit_date ?? m.date) : m.date) * 1000,
      content: content(m),
      replyTo: m.reply_to_message ? `${chatId}:${m.reply_to_message.message_id}` : undefined,
      edited: edited || undefined,
      raw: rawMessage,
    }),
  ];
}
