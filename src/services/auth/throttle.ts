import { assertRateLimitRoom, consumeRateLimit, countRateLimitFailure, peekRateLimit } from "../../../durable-objects/rate-limiter/client";
import { sha256Hex } from "../../lib/crypto";
import type { ServiceContext } from "../context";

/**
 * Throttles for every endpoint that checks a secret (password, refresh token, invitation, API key).
 *
 * The rule: throttle the *source*, slow the *account*, never lock the account. A limit keyed on the
 * account alone (e.g. per email) is a lock a stranger can turn: ten wrong passwords from anywhere and
 * the owner cannot sign in. So every account-keyed limit here is keyed on source + account: one source
 * guessing one account is stopped after a few tries, the same account from its owner's own network
 * is untouched. Sources are the edge-reported client IP.
 */
const WINDOW_S = 15 * 60;

/** Failed secret checks one IP may make per window on refresh, invitations and API keys together. */
export const FAILED_SECRETS_PER_IP = 30;
/** Invitation accepts one IP may attempt per window (each one opens a session when it succeeds). */
export const INVITATION_ACCEPTS_PER_IP = 20;

const source = (ctx: ServiceContext) => ctx.ip ?? "unknown";

/** Log-in: every attempt counts, per IP (spraying many accounts) and per IP + email (guessing one). */
export async function throttleLogin(ctx: ServiceContext, email: string): Promise<void> {
  await consumeRateLimit(ctx.env, `login:ip:${source(ctx)}`, ctx.config.RATE_LIMIT_LOGIN_PER_IP, WINDOW_S);
  // Hashed: the key names a durable object, and an email address has no business in an object name.
  const account = await sha256Hex(email);
  await consumeRateLimit(ctx.env, `login:ip-account:${source(ctx)}:${account}`, ctx.config.RATE_LIMIT_LOGIN_PER_EMAIL, WINDOW_S);
}

/** Invitation accept: every attempt counts per IP, and failures count with the other secret checks. */
export async function throttleInvitationAccept(ctx: ServiceContext): Promise<void> {
  await assertSecretRoom(ctx);
  await consumeRateLimit(ctx.env, `invite-accept:ip:${source(ctx)}`, INVITATION_ACCEPTS_PER_IP, WINDOW_S);
}

/**
 * Before a token check whose success is the common case (refresh, API keys): refused with 429 once
 * this IP has failed too often. Counts nothing, so legitimate traffic is never slowed by its volume.
 */
export async function assertSecretRoom(ctx: ServiceContext): Promise<void> {
  await assertRateLimitRoom(ctx.env, `secret-fail:ip:${source(ctx)}`, FAILED_SECRETS_PER_IP, WINDOW_S);
}

/** After a failed token check: counts against the IP's failure budget. Never throws for being over. */
export async function recordSecretFailure(ctx: ServiceContext): Promise<void> {
  await countRateLimitFailure(ctx.env, `secret-fail:ip:${source(ctx)}`, FAILED_SECRETS_PER_IP, WINDOW_S);
}

/** Failed log-ins on one account (from anywhere) after which each further attempt is answered slower. */
export const ACCOUNT_FAILURES_BEFORE_SLOWING = 10;
const ACCOUNT_FAILURE_CEILING = 10_000;
const MAX_SLOWDOWN_MS = 5_000;

/**
 * How long to hold a log-in answer for an account that has failed this often in the window: nothing
 * at first, then doubling from 250 ms up to 5 s. It slows a guesser spread over many addresses without
 * ever locking the owner out (they wait a few seconds at worst).
 */
export function accountSlowdownMs(failures: number): number {
  if (failures <= ACCOUNT_FAILURES_BEFORE_SLOWING) return 0;
  return Math.min(MAX_SLOWDOWN_MS, 250 * 2 ** Math.min(10, failures - ACCOUNT_FAILURES_BEFORE_SLOWING - 1));
}

const accountKey = async (email: string) => `login:fail:account:${await sha256Hex(email)}`;

/** Before checking a password: waits as long as the account's recent failures call for (see accountSlowdownMs). */
export async function slowAccount(ctx: ServiceContext, email: string): Promise<void> {
  const { remaining } = await peekRateLimit(ctx.env, await accountKey(email), ACCOUNT_FAILURE_CEILING, WINDOW_S);
  const ms = accountSlowdownMs(ACCOUNT_FAILURE_CEILING - remaining);
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}

/** After a wrong password: one more failure against the account, from whatever source. */
export async function recordAccountFailure(ctx: ServiceContext, email: string): Promise<void> {
  await countRateLimitFailure(ctx.env, await accountKey(email), ACCOUNT_FAILURE_CEILING, WINDOW_S);
}
