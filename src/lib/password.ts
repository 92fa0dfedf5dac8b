import { base64url, fromBase64url, timingSafeEqual } from "./crypto";

/**
 * PBKDF2-SHA256 at 100 000 iterations: the most Workers' Web Crypto allows (it rejects more), and the
 * slowest KDF available there without shipping a WASM scrypt/argon2 that would cost CPU-time limits.
 * The iteration count is stored in the hash so it can be raised later with rehash-on-login.
 */
const ITERATIONS = 100_000;
const SALT_BYTES = 16;
const KEY_BITS = 256;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, KEY_BITS);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, ITERATIONS);
  return `pbkdf2-sha256$${ITERATIONS}$${base64url(salt)}$${base64url(hash)}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // With no stored hash (unknown user, or an invited user who never set one) still spend the same time,
  // so response timing does not tell which emails have accounts.
  const parts = stored?.split("$") ?? [];
  const valid = parts.length === 4 && parts[0] === "pbkdf2-sha256";
  const iterations = valid ? Number(parts[1]) : ITERATIONS;
  const salt = valid ? fromBase64url(parts[2]!) : new Uint8Array(SALT_BYTES);
  const expected = valid ? fromBase64url(parts[3]!) : new Uint8Array(KEY_BITS / 8);
  const actual = await derive(password, salt, Number.isInteger(iterations) && iterations > 0 && iterations <= ITERATIONS ? iterations : ITERATIONS);
  return timingSafeEqual(actual, expected) && valid;
}

/** Rules shown on the sign-up form; checked server-side, with the reason returned per field. */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < 10) return "Password must be at least 10 characters";
  if (password.length > 256) return "Password must be at most 256 characters";
  if (new Set(password).size < 5) return "Password is too repetitive";
  if (email && password.toLowerCase().includes(email.split("@")[0]!.toLowerCase())) return "Password must not contain your email";
  if (/^(password|qwerty|letmein|welcome|123456)/i.test(password)) return "Password is too common";
  return undefined;
}
