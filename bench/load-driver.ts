// The load generator for the benchmarks, in its own process. The embedded Postgres (PGlite) runs its
// queries synchronously on the main thread's event loop; a client sharing that loop would count the
// database's work as the Worker's ack latency. Apart, the client sees what a provider would, and its
// CPU time (its own and the V8 helper threads' it keeps busy) stays out of the stack's figures, which
// a thread of this process could not guarantee.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface LoadRequest {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  latencies: number[];
  statuses: Record<number, number>;
  /** The status of each request, by its index in `requests` (0: no answer). */
  statusOf: number[];
  seconds: number;
  /** CPU ms the load generator's process used: context only, never part of the stack's figures. */
  driverCpuMs: number;
}

interface Job {
  base: string;
  requests: LoadRequest[];
  concurrency: number;
  rate?: number;
}

/** Sends `requests` with at most `concurrency` in flight, paced to `rate` per second when given. */
async function drive({ base, requests, concurrency, rate }: Job): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const statusOf: number[] = new Array(requests.length).fill(0);
  const start = performance.now();
  let next = 0;
  async function worker() {
    while (next < requests.length) {
      const i = next++;
      if (rate) {
        const wait = start + (i * 1000) / rate - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const { path, method = "GET", headers, body } = requests[i]!;
      const t0 = performance.now();
      let status = 0;
      try {
        const res = await fetch(base + path, { method, headers, body });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = 0; // connection refused or reset: counted, never thrown
      }
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
      statusOf[i] = status;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage();
  return { latencies, statuses, statusOf, seconds: (performance.now() - start) / 1000, driverCpuMs: (cpu.user + cpu.system) / 1000 };
}

const CHILD_MARK = "PARLEY_LOAD_DRIVER";

/** Runs one load in a fresh child process and resolves with its figures. */
export function driveInChildProcess(job: Job): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, [CHILD_MARK]: "1" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    let result: LoadResult | undefined;
    child.once("message", (m) => {
      result = m as LoadResult;
      child.disconnect();
    });
    child.once("error", reject);
    child.once("exit", (code) => (result ? resolve(result) : reject(new Error(`load driver exited with ${code} before answering`))));
    child.send(job);
  });
}

if (process.env[CHILD_MARK] === "1" && process.send) {
  process.once("message", (job: Job) => {
    void drive(job).then((result) => process.send?.(result));
  });
}
