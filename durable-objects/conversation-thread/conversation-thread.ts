import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../src/env";

/** One conversation thread (tenant + channel + customer): the single writer. Built out in the channel edge work. */
export class ConversationThread extends DurableObject<Env> {}
