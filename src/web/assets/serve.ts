import type { Context } from "hono";

/** FNV-1a over the text: a stable, synchronous fingerprint for cache busting and ETags (not security). */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * Serves a script held in a module. `immutable` is for URLs that carry the fingerprint (`?v=`), so a
 * deploy changes the URL; fixed URLs that other sites embed get a short cache and revalidate by ETag.
 */
export function serveScript(c: Context, text: string, cache: "immutable" | "short") {
  const etag = `"${fingerprint(text)}"`;
  const headers = {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": cache === "immutable" ? "public, max-age=31536000, immutable" : "public, max-age=300, stale-while-revalidate=86400",
    ETag: etag,
  };
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  return c.body(text, 200, headers);
}
