/**
 * Provider sample payloads, copied byte for byte from /work/shared/fixtures/webhooks/ (trailing
 * newline included) because workerd tests cannot read files from disk. Signature tests sign these
 * exact bytes, so do not reformat them.
 */

/** WhatsApp Cloud API: one inbound text message with the sender's profile. */
export const whatsappTextJson = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"contacts\":[{\"profile\":{\"name\":\"Sheena Nelson\"},\"wa_id\":\"16505551234\"}],\"messages\":[{\"from\":\"16505551234\",\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=\",\"timestamp\":\"1749416383\",\"type\":\"text\",\"text\":{\"body\":\"Does it come in another color?\"}}]}}]}]}\n";

/** WhatsApp Cloud API: a delivered status for an outbound message. */
export const whatsappStatusJson = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\",\"changes\":[{\"field\":\"messages\",\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{\"display_phone_number\":\"15550783881\",\"phone_number_id\":\"106540352242922\"},\"statuses\":[{\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3NTc2RUE2NkM5NDNBNjFCNTQA\",\"status\":\"delivered\",\"timestamp\":\"1750263773\",\"recipient_id\":\"16505551234\",\"pricing\":{\"billable\":true,\"pricing_model\":\"PMP\",\"category\":\"utility\"}}]}}]}]}\n";

/** Telegram Bot API: an Update with a private-chat text message. */
export const telegramMessageJson = "{\"update_id\":10000,\"message\":{\"message_id\":1365,\"from\":{\"id\":1111111,\"is_bot\":false,\"first_name\":\"Test\",\"last_name\":\"Lastname\",\"username\":\"Testusername\",\"language_code\":\"en\"},\"chat\":{\"id\":1111111,\"first_name\":\"Test\",\"last_name\":\"Lastname\",\"username\":\"Testusername\",\"type\":\"private\"},\"date\":1441645532,\"text\":\"/start\"}}\n";

/** Twilio Messaging: an inbound SMS as its application/x-www-form-urlencoded body. */
export const twilioSmsForm = "ToCountry=US&ToState=CA&SmsMessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&NumMedia=0&ToCity=&FromZip=94105&SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO&Body=Hello+there%2C+is+my+order+shipped%3F&FromCountry=US&To=%2B15557654321&ToZip=&NumSegments=1&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&AccountSid=AC0123456789abcdef0123456789abcdef&From=%2B15551234567&ApiVersion=2010-04-01\n";
