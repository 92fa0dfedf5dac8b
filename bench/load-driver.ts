// The load generator for the benchmarks, on its own thread. The embedded Postgres (PGlite) runs its
// queries synchronously on the main thread's event loop; a client sharing that loop would count the
// database's work as the Worker's ack latency. On its own thread the client sees what a provider would.
import { fileURLToPath } from "node:url";
import { isMainThread, parentPort, Worker } from "node:worker_threads";

export interface LoadRequest {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  latencies: number[];
  statuses: Record<number, number>;
  seconds: number;
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
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, statuses, seconds: (performance.now() - start) / 1000 };
}

/** Runs one load on a fresh thread and resolves with its figures. */
export function driveOnThread(job: Job): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(fileURLToPath(import.meta.url));
    thread.once("message", (result: LoadResult) => {
      resolve(result);
      void thread.terminate();
    });
    thread.once("error", reject);
    thread.postMessage(job);
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.once("message", (job: Job) => {
    void drive(job).then((result) => port.postMessage(result));
  });
}
