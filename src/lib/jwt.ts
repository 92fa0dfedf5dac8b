import { SignJWT, importJWK, jwtVerify, type JWK, type CryptoKey, errors } from "jose";
import type { AppConfig } from "../env";

/** Access tokens: ES256 only, typ pinned (RFC 9068), 15-minute lifetime, verified against our own keys. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALG = "ES256";
const TYP = "at+jwt";

export interface AccessClaims {
  sub: string; // user id
  tid: string; // tenant id
  sid: string; // session (refresh-token family) id
}

interface KeySet {
  source: string;
  signing: { kid: string; key: CryptoKey };
  verifying: Map<string, CryptoKey>;
  publicJwks: JWK[];
}

let keySet: KeySet | undefined;

async function keys(config: AppConfig): Promise<KeySet> {
  if (keySet?.source === config.JWT_SIGNING_KEYS) return keySet;
  const jwks = JSON.parse(config.JWT_SIGNING_KEYS) as JWK[];
  if (!Array.isArray(jwks) || jwks.length === 0) throw new Error("JWT_SIGNING_KEYS must be a non-empty JSON array");
  const verifying = new Map<string, CryptoKey>();
  const publicJwks: JWK[] = [];
  let signing: KeySet["signing"] | undefined;
  for (const jwk of jwks) {
    if (!jwk.kid || jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.d) throw new Error("JWT_SIGNING_KEYS entries must be P-256 private JWKs with a kid");
    const { d: _private, ...pub } = jwk;
    const publicJwk: JWK = { kty: pub.kty, crv: pub.crv, x: pub.x, y: pub.y, kid: jwk.kid, alg: ALG, use: "sig" };
    verifying.set(jwk.kid, (await importJWK(publicJwk, ALG)) as CryptoKey);
    publicJwks.push(publicJwk);
    signing ??= { kid: jwk.kid, key: (await importJWK({ ...jwk, alg: ALG }, ALG)) as CryptoKey };
  }
  keySet = { source: config.JWT_SIGNING_KEYS, signing: signing!, verifying, publicJwks };
  return keySet;
}

export async function signAccessToken(config: AppConfig, claims: AccessClaims): Promise<string> {
  const { signing } = await keys(config);
  return new SignJWT({ tid: claims.tid, sid: claims.sid })
    .setProtectedHeader({ alg: ALG, typ: TYP, kid: signing.kid })
    .setSubject(claims.sub)
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setIssuedAt()
    .setJti(crypto.randomUUID())
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(signing.key);
}

/** Returns the claims, or undefined for any token that is not exactly one of ours and current. */
export async function verifyAccessToken(config: AppConfig, token: string): Promise<AccessClaims | undefined> {
  const { verifying } = await keys(config);
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = header.kid ? verifying.get(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      { algorithms: [ALG], issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, typ: TYP, maxTokenAge: ACCESS_TOKEN_TTL_SECONDS, requiredClaims: ["sub", "exp", "iat"] },
    );
    const { sub, tid, sid } = payload as Record<string, unknown>;
    if (typeof sub !== "string" || typeof tid !== "string" || typeof sid !== "string") return undefined;
    return { sub, tid, sid };
  } catch {
    return undefined;
  }
}

export async function publicJwks(config: AppConfig): Promise<{ keys: JWK[] }> {
  return { keys: (await keys(config)).publicJwks };
}
