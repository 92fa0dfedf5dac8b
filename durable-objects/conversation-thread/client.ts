import type { Env } from "../../src/env";

/** The object for one thread: `<tenant>:<channel>:<customer id at the provider>`. */
export function threadStub(env: Env, tenantId: string, threadKey: string) {
  return env.CONVERSATION_THREAD.get(env.CONVERSATION_THREAD.idFromName(`${tenantId}:${threadKey}`));
}

export const threadKeyOf = (channelId: string, customerId: string) => `${channelId}:${customerId}`;
