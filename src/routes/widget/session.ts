import { readCappedStream } from "../../lib/capped-stream";
import { claimOnce, consumeRateLimit } from "../../../durable-objects/rate-limiter/client";
import { AppError } from "../../lib/errors";
import { CHALLENGE_TTL_S, issueChallenge, verifySolution } from "../../services/webchat/proof-of-work";
import { mintVisitorToken, newVisitorId, verifyVisitorToken, VISITOR_RENEW_WINDOW_S } from "../../services/webchat/visitor-token";
import { bearerOf, type WidgetContext } from "./channel";

/** Sessions per IP and channel (new visitors and renewals). Sessions store nothing, this only slows minting. */
const SESSIONS_PER_IP = { limit: 60, windowSeconds: 600 };
/** New visitors per channel, from everywhere: a bot farm with many IPs still meets a ceiling. */
const NEW_VISITORS_PER_CHANNEL = { limit: 3000, windowSeconds: 600 };
const MAX_BODY_CHARS = 1024;

/**
 * `POST /widget/:tenantId/:channelId/session` → 201 `{visitor_id, token, expires_at}`.
 *
 * A visitor presenting its previous token (valid signature, expired at most 30 days ago) keeps its
 * visitor id, and so its thread and history. A new visitor first proves a little work: without a
 * solution the answer is 401 with `WWW-Authenticate: Parley-PoW challenge="…", difficulty="14"`; the
 * widget finds a nonce (see proof-of-work.ts) and posts `{challenge, nonce}` here again.
 */
export async function createSession(c: WidgetContext) {
  const ctx = c.get("ctx");
  const channel = c.get("channel");
  const ref = { tenantId: channel.tenantId, channelId: channel.id };
  const previous = await verifyVisitorToken(ctx.config, ref, bearerOf(c), { graceS: VISITOR_RENEW_WINDOW_S });
  if (!previous) {
    const body = await smallJson(c);
    const solved = await verifySolution(ctx.config, ref, body?.challenge, body?.nonce);
    // Each solution mints one visitor, not one per replay.
    if (!solved || !(await claimOnce(c.env, `widget:pow:${channel.id}:${solved}`, CHALLENGE_TTL_S))) {
      const { challenge, difficulty } = await issueChallenge(ctx.config, ref);
      c.header("WWW-Authenticate", `Parley-PoW challenge="${challenge}", difficulty="${difficulty}"`);
      c.header("Cache-Control", "no-store");
      throw new AppError("UNAUTHORIZED", body ? "The challenge was not solved, has expired or was already used; solve the new one" : "Solve the challenge in WWW-Authenticate to start a chat");
    }
    await consumeRateLimit(c.env, `widget:new-visitors:${channel.id}`, NEW_VISITORS_PER_CHANNEL.limit, NEW_VISITORS_PER_CHANNEL.windowSeconds);
  }
  await consumeRateLimit(c.env, `widget:session:${channel.id}:${ctx.ip ?? "unknown"}`, SESSIONS_PER_IP.limit, SESSIONS_PER_IP.windowSeconds);
  const minted = await mintVisitorToken(ctx.config, ref, previous?.visitorId ?? newVisitorId());
  c.header("Cache-Control", "no-store");
  return c.json({ visitor_id: minted.visitorId, token: minted.token, expires_at: new Date(minted.expiresAt * 1000).toISOString() }, 201);
}

/** The body as a small JSON object, or undefined (absent, too big, not JSON). This edge has no body limit of its own. */
async function smallJson(c: WidgetContext): Promise<Record<string, unknown> | undefined> {
  if (!c.req.raw.body || Number(c.req.header("content-length") ?? 0) > MAX_BODY_CHARS) return undefined;
  const body = await readCappedStream(c.req.raw.body, MAX_BODY_CHARS);
  if (!body) return undefined;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
