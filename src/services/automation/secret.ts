import type { CredentialsConfig } from "../channels/credentials";
import { decryptCredentials, encryptCredentials } from "../channels/credentials";

/**
 * A rule's webhook signing secret at rest: sealed with the channel credentials' key ring (AES-GCM,
 * CREDENTIALS_KEYS), bound to its rule by the AAD, stored as `sealed:<key id>:<ciphertext>` in the
 * rule's `signing_secret` column. A value without that prefix is a secret stored before sealing and is
 * read as it is.
 *
 * @example
 *   const stored = await sealRuleSecret(ctx.config, tenantId, ruleId, secret);
 *   const secret = await openRuleSecret(ctx.config, tenantId, ruleId, stored);
 */
const PREFIX = "sealed:";
const aad = (tenantId: string, ruleId: string) => `automation_rule:${tenantId}:${ruleId}`;

export async function sealRuleSecret(config: CredentialsConfig, tenantId: string, ruleId: string, secret: string): Promise<string> {
  const { ciphertext, keyId } = await encryptCredentials(config, aad(tenantId, ruleId), { signing_secret: secret });
  return `${PREFIX}${keyId}:${ciphertext}`;
}

export async function openRuleSecret(config: CredentialsConfig, tenantId: string, ruleId: string, stored: string): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  const rest = stored.slice(PREFIX.length);
  const at = rest.indexOf(":");
  const value = await decryptCredentials(config, aad(tenantId, ruleId), rest.slice(at + 1), rest.slice(0, at));
  return value.signing_secret!;
}
