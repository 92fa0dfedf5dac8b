import { exportJWK, generateKeyPair } from "jose";

/** A fresh ES256 signing key as the JSON that JWT_SIGNING_KEYS expects (first key signs). */
export async function generateSigningKeys(): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  return JSON.stringify([{ ...jwk, kid: `k-${new Date().toISOString().slice(0, 10)}-${crypto.randomUUID().slice(0, 8)}`, alg: "ES256" }]);
}
