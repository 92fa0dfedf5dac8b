// The two ends of `npm run bench:brain` that stand outside the platform, in a process of their own: the
// provider double the replies reach, and the paced sender of the customers' webhooks. The embedded
// Postgres (PGlite) runs its queries synchronously on the main process's event loop; a double sharing
// that loop would stamp a reply when the database lets it, not when it arrived.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startProvidersDouble } from "../test/doubles/providers-double.ts";
import type { LoadRequest } from "./load-driver.ts";

export interface Delivery {
  /** Wall-clock ms (fractional) when the request was sent and when its answer arrived; the clock Postgres's now() reads. */
  sentAt: number;
  ackAt: number;
  status: number;
}

export interface Edge {
  /** The provider double's base URL (its recorded requests are at /_control/requests). */
  doubleUrl: string;
  /** Sends each request at its own moment, `rate` per second, without waiting for earlier answers (providers do not). */
  drive(base: string, requests: LoadRequest[], rate: number): Promise<Delivery[]>;
  stop(): Promise<void>;
}

type FromChild = { type: "ready"; url: string } | { type: "driven"; deliveries: Delivery[] };
type ToChild = { type: "drive"; base: string; requests: LoadRequest[]; rate: number } | { type: "stop" };

const CHILD_MARK = "PARLEY_BRAIN_EDGE";
/** performance.now() is monotonic; anchored once to the wall clock, it gives sub-ms wall-clock stamps. */
const wallNow = () => performance.timeOrigin + performance.now();

export function startEdge(): Promise<Edge> {
  const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, [CHILD_MARK]: "1" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const waiting: Array<(m: FromChild) => void> = [];
  child.on("message", (m) => waiting.shift()?.(m as FromChild));
  const next = () => new Promise<FromChild>((resolve, reject) => {
    waiting.push(resolve);
    child.once("exit", (code) => reject(new Error(`the bench's edge process exited with ${code}`)));
  });
  const send = (m: ToChild) => child.send(m);
  return next().then((ready) => {
    if (ready.type !== "ready") throw new Error("the bench's edge process did not start");
    return {
      doubleUrl: ready.url,
      async drive(base, requests, rate) {
        const answer = next();
        send({ type: "drive", base, requests, rate });
        const m = await answer;
        if (m.type !== "driven") throw new Error("unexpected answer from the bench's edge process");
        return m.deliveries;
      },
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          send({ type: "stop" });
        }),
    } satisfies Edge;
  });
}

async function drive(base: string, requests: LoadRequest[], rate: number): Promise<Delivery[]> {
  const start = performance.now();
  const out: Delivery[] = new Array(requests.length);
  await Promise.all(
    requests.map(async (r, i) => {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      const sentAt = wallNow();
      let status = 0;
      try {
        const res = await fetch(base + r.path, { method: r.method ?? "POST", headers: r.headers, body: r.body });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0; // no answer: counted, never thrown
      }
      out[i] = { sentAt, ackAt: wallNow(), status };
    }),
  );
  return out;
}

if (process.env[CHILD_MARK] === "1" && process.send) {
  const double = await startProvidersDouble({ acceptAnyCredentials: true });
  process.on("message", (m: ToChild) => {
    if (m.type === "drive") void drive(m.base, m.requests, m.rate).then((deliveries) => process.send?.({ type: "driven", deliveries } satisfies FromChild));
    if (m.type === "stop") void double.stop().then(() => process.exit(0));
  });
  process.once("disconnect", () => process.exit(0)); // the bench ended, however it ended
  process.send({ type: "ready", url: double.url } satisfies FromChild);
}
