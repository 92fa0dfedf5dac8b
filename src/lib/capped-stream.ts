/**
 * Reads a body stream whole, giving up as soon as it passes `max` bytes (the rest is never read), for
 * unauthenticated edges where a declared Content-Length cannot be trusted. Undefined when too large.
 */
export async function readCappedStream(stream: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | undefined> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
