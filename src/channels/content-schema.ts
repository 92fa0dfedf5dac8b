import { z } from "@hono/zod-openapi";
import type { EmailContent } from "./email/parse";
import type { MessageContent } from "./inbound";

/**
 * The published shape of a message's `content`: the same union as MessageContent (what every channel's
 * normalizer produces and what agents and the bot send), tagged by `type`. The checks at the bottom
 * fail to compile when the two drift apart.
 */
const TextContent = z.object({ type: z.literal("text"), text: z.string() }).openapi("TextContent");

const MediaContent = z
  .object({
    type: z.literal("media"),
    mediaType: z.enum(["image", "audio", "video", "document", "sticker"]),
    mediaId: z.string().optional().openapi({ description: "The provider's media id (fetch it through the provider)" }),
    url: z.string().optional(),
    mimeType: z.string().optional(),
    caption: z.string().optional(),
    filename: z.string().optional(),
  })
  .openapi("MediaContent");

const LocationContent = z
  .object({ type: z.literal("location"), latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
  .openapi("LocationContent");

const ContactsContent = z
  .object({
    type: z.literal("contacts"),
    contacts: z.array(z.object({ name: z.string().optional(), phones: z.array(z.string()).optional(), emails: z.array(z.string()).optional() })),
  })
  .openapi("ContactsContent");

const ReactionContent = z
  .object({
    type: z.literal("reaction"),
    emoji: z.string().openapi({ description: "Empty when the sender removed their reaction" }),
    targetExternalId: z.string().openapi({ description: "The external id of the message reacted to" }),
  })
  .openapi("ReactionContent");

const UnsupportedContent = z
  .object({ type: z.literal("unsupported"), providerType: z.string().openapi({ description: "The provider's own type name for what was sent" }) })
  .openapi("UnsupportedContent");

const EmailContentSchema = z
  .object({
    type: z.literal("email"),
    subject: z.string(),
    text: z.string().openapi({ description: "What the sender wrote now (the plain part, or text made from the HTML part)" }),
    quoted: z.string().optional().openapi({ description: "Earlier messages quoted in the mail, split off `text`" }),
    attachments: z.array(
      z.object({
        filename: z.string().optional(),
        mimeType: z.string(),
        size: z.number().int().openapi({ description: "Decoded size in bytes" }),
        contentId: z.string().optional(),
        inline: z.boolean().optional(),
        too_large: z.literal(true).optional().openapi({ description: "Over the channel's attachment limit: not kept" }),
      }),
    ),
    messageId: z.string().openapi({ description: "The mail's Message-ID without angle brackets; empty when it had none" }),
    inReplyTo: z.string().optional(),
    references: z.array(z.string()),
    to: z.array(z.string()),
    cc: z.array(z.string()),
  })
  .openapi("EmailContent");

export const MessageContentSchema = z
  .discriminatedUnion("type", [TextContent, MediaContent, LocationContent, ContactsContent, ReactionContent, UnsupportedContent, EmailContentSchema])
  .openapi("MessageContent", { description: "What the message carries, by `type`" });

// Compile-time: every MessageContent is publishable as this schema and every parsed value is a MessageContent.
type Published = z.infer<typeof MessageContentSchema>;
const asPublished = (c: MessageContent): Published => c;
const asContent = (c: Published): MessageContent => c;
const emailAsPublished = (c: EmailContent): Published => c;
void asPublished;
void asContent;
void emailAsPublished;
