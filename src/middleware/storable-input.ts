import { createMiddleware } from "hono/factory";
import { assertStorable } from "../lib/storable-text";
import type { AppEnv } from "../routes/hono-env";

/** Deeper than any body the API documents; past it a JSON value is an attack on parsers, not data. */
const MAX_BODY_DEPTH = 64;

/**
 * Refuses, with 400 VALIDATION_FAILED naming the field, input Postgres could not store: NUL characters
 * and lone surrogates anywhere in a JSON body (keys too) or query string, and JSON nested absurdly
 * deep. One check for every route, so a new string field cannot reintroduce a 500. Route schemas
 * still set each field's own length limits. Malformed JSON is left to the route's validator.
 */
export const storableInput = createMiddleware<AppEnv>(async (c, next) => {
  const query = c.req.queries();
  for (const [key, values] of Object.entries(query)) assertStorable({ [key]: values.length === 1 ? values[0] : values }, "");
  const type = c.req.header("content-type") ?? "";
  if (/^application\/(?:[\w.+-]+\+)?json\b/i.test(type) && c.req.method !== "GET" && c.req.method !== "HEAD") {
    let body: unknown;
    try {
      // Hono caches the parsed body, so the route's validator reads the same value without a second parse.
      body = await c.req.json();
    } catch {
      body = undefined;
    }
    if (body !== undefined) assertStorable(body, "", MAX_BODY_DEPTH);
  }
  await next();
});
