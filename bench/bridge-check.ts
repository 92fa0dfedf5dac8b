// `node bench/bridge-check.ts` — checks the bridge's benchmark controls against a local TCP echo
// server: the simulated round trip is added and never reorders bytes, `setDown` cuts open connections
// and refuses new ones, and `setDown(false)` lets clients back in. Exits non-zero on the first failure.
// Kept beside the benchmark (not in the workerd test suite: the bridge runs in Node).
import assert from "node:assert/strict";
import net from "node:net";
import { WebSocket } from "ws";
import { startWsBridge } from "../scripts/lib/ws-bridge.ts";

const echo = net.createServer((s) => s.on("data", (d) => s.write(d)));
await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
const echoPort = (echo.address() as net.AddressInfo).port;
const bridge = await startWsBridge({ latencyMs: 20 });

async function open() {
  const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/?address=127.0.0.1:${echoPort}`);
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let received = "";
  ws.on("message", (d: Buffer) => (received += d.toString()));
  /** Sends `text` and resolves with the ms until all of it has come back. */
  const roundTrip = async (text: string) => {
    const t0 = performance.now();
    received = "";
    ws.send(text);
    while (received.length < text.length) await new Promise((r) => setTimeout(r, 1));
    assert.equal(received, text);
    return performance.now() - t0;
  };
  return { ws, roundTrip, sendAll: (parts: string[]) => {
      received = "";
      for (const p of parts) ws.send(p);
    }, received: () => received };
}

try {
  const client = await open();
  const rtts = [];
  for (let i = 0; i < 5; i++) rtts.push(await client.roundTrip(`ping-${i};`));
  const median = rtts.sort((a, b) => a - b)[2]!;
  assert.ok(median >= 19 && median < 60, `round trip at +20 ms was ${median.toFixed(1)} ms`);

  // Many small writes at once come back whole and in order.
  const parts = Array.from({ length: 300 }, (_, i) => `${i},`);
  const t0 = performance.now();
  client.sendAll(parts);
  while (client.received().length < parts.join("").length && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 1));
  assert.equal(client.received(), parts.join(""), "bytes came back reordered or incomplete");

  bridge.setLatency(0);
  const fast = [];
  for (let i = 0; i < 5; i++) fast.push(await client.roundTrip(`fast-${i};`));
  assert.ok(fast.sort((a, b) => a - b)[2]! < 15, `round trip at +0 ms was ${fast[2]!.toFixed(1)} ms`);

  const closed = new Promise((r) => client.ws.once("close", r));
  bridge.setDown(true);
  await closed;
  await assert.rejects(open(), /503/, "a connection opened while the bridge was down");
  assert.equal(bridge.stats.refused, 1);

  bridge.setDown(false);
  const again = await open();
  await again.roundTrip("back;");
  again.ws.close();
  console.log(`bridge checks passed (round trip +20 ms: median ${median.toFixed(1)} ms; +0 ms: ${fast[2]!.toFixed(2)} ms)`, bridge.stats);
} finally {
  await bridge.stop();
  echo.close();
}
