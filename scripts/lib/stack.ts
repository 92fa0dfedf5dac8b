// The whole local stack in one call: Postgres (embedded PGlite, or DATABASE_URL), the bridge standing in
// for Neon's WebSocket proxy and SQL-over-HTTP endpoint, migrations, and `wrangler dev` running the Worker in workerd. Used by
// `npm run dev` and by the browser tests, so both exercise the same path.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startCronTimer } from "./cron.ts";
import { startEmbeddedPostgres } from "./embedded-postgres.ts";
import { freePort } from "./free-port.ts";
import { runMigrations } from "./migrate.ts";
import { startWsBridge, type WsBridge } from "./ws-bridge.ts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface StackOptions {
  port: number;
  /** Folder for the embedded database's files; omit for an in-memory database. */
  dataDir?: string;
  /** Any real Postgres/Neon instead of the embedded one. Migrations run as this user. */
  databaseUrl?: string;
  /** Connection string the Worker uses; defaults to databaseUrl (or the embedded server). */
  appDatabaseUrl?: string;
  jwtSigningKeys: string;
  /** CREDENTIALS_KEYS (channel credentials at rest); without it, channels with credentials answer 503. */
  credentialsKeys?: string;
  /** Where wrangler keeps Durable Object state. */
  persistTo: string;
  quiet?: boolean;
  extraVars?: Record<string, string>;
  /** Simulated round trip to the database added by the bridge (benchmarks stand in for the edge→Neon distance). */
  dbLatencyMs?: number;
  /** Fire wrangler.toml's cron triggers on their schedule (wrangler dev does not); `npm run dev` sets it. */
  fireCrons?: boolean;
}

export interface Stack {
  url: string;
  databaseUrl: string;
  bridgeStats: WsBridge["stats"];
  /** The bridge's controls, for benchmarks: simulated latency and outage. */
  bridge: Pick<WsBridge, "stats" | "setLatency" | "setDown">;
  /** The `wrangler dev` process; workerd runs as its descendants (benchmarks read their CPU time). */
  wranglerPid: number;
  /** The Worker's DevTools inspector (benchmarks take CPU profiles through it). */
  inspectorPort: number;
  stop(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
  };
  try {
    let ownerUrl = opts.databaseUrl;
    if (!ownerUrl) {
      if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
      const pg = await startEmbeddedPostgres({ dataDir: opts.dataDir });
      stops.push(pg.stop);
      ownerUrl = pg.url;
    }
    await runMigrations(ownerUrl);
    const bridge = await startWsBridge({ latencyMs: opts.dbLatencyMs });
    stops.push(bridge.stop);

    const vars: Record<string, string> = {
      ENVIRONMENT: "development",
      DATABASE_URL: opts.appDatabaseUrl ?? ownerUrl,
      DB_WS_PROXY: `127.0.0.1:${bridge.port}`,
      DB_HTTP_ENDPOINT: `http://127.0.0.1:${bridge.port}/sql`,
      JWT_SIGNING_KEYS: opts.jwtSigningKeys,
      ...(opts.credentialsKeys && { CREDENTIALS_KEYS: opts.credentialsKeys }),
      JWT_ISSUER: `http://127.0.0.1:${opts.port}`,
      PUBLIC_URL: `http://127.0.0.1:${opts.port}`,
      ...opts.extraVars,
    };
    // Values go through an env file, not --var, so wrangler shows them as hidden instead of printing secrets.
    mkdirSync(opts.persistTo, { recursive: true });
    const envFile = path.join(opts.persistTo, `dev-${opts.port}.vars`);
    writeFileSync(envFile, `${Object.entries(vars).map(([k, v]) => `${k}=${quoteEnv(v)}`).join("\n")}\n`, { mode: 0o600 });

    const inspectorPort = await freePort();
    const wrangler = spawn(
      process.execPath,
      [path.join(root, "node_modules/wrangler/bin/wrangler.js"), "dev", "--ip", "127.0.0.1", "--port", String(opts.port), "--env-file", envFile,
        "--persist-to", opts.persistTo, "--show-interactive-dev-session=false", "--inspector-port", String(inspectorPort), "--log-level", opts.quiet ? "error" : "info",
        // Exposes /__scheduled, which the cron timer below calls.
        "--test-scheduled",
        // Remote bindings off: the AI and Vectorize bindings would otherwise need a Cloudflare login;
        // local runs use the offline embedder and vector index.
        "--local"],
      // Its own process group, so stopping it reaches workerd too, and a terminal's Ctrl+C reaches it only
      // through stop() (which bounds the wait), not as a second signal racing ours.
      { cwd: root, detached: true, stdio: ["ignore", opts.quiet ? "ignore" : "inherit", opts.quiet ? "pipe" : "inherit"], // No network here or in CI: skip the fetch of the Request.cf sample and telemetry.
        env: {
          ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false",
          // The local observability collector (wrangler's default) streams a trace of every invocation —
          // each request, alarm, queue batch and Durable Object call — to a collector inside workerd; under
          // load that was about a third of workerd's CPU (bench:brain, 300 groups: 35.5 → 23.8 ms per group).
          // Off for the local stack unless the user asks for it (X_LOCAL_OBSERVABILITY=true npm run dev).
          X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false",
        } },
    );
    let stderr = "";
    wrangler.stderr?.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    // Whatever happens to this process (a hard exit on a deadline, a crash), the Worker does not outlive it.
    const killGroup = () => signalGroup(wrangler, "SIGKILL");
    process.once("exit", killGroup);
    stops.push(async () => {
      await killAndWait(wrangler);
      process.off("exit", killGroup);
    });

    const url = `http://127.0.0.1:${opts.port}`;
    await waitForHealth(url, wrangler, () => stderr);
    if (opts.fireCrons) {
      const stopCrons = startCronTimer(url, path.join(root, "wrangler.toml"));
      stops.push(async () => stopCrons());
    }
    return { url, databaseUrl: ownerUrl, bridgeStats: bridge.stats, bridge, wranglerPid: wrangler.pid ?? 0, inspectorPort, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitForHealth(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}\n${stderr()}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Parley did not become healthy at ${url} within ${timeoutMs} ms\n${stderr()}`);
}

/** Signals the child's whole process group (wrangler and the workerd it runs); false once it is gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false; // no such group: already gone
  }
}

/** SIGTERM to the group, SIGKILL after 2.5 s: `npm run dev` promises to stop within a few seconds. */
function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child, "SIGKILL"); // workerd may outlive wrangler
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    // The timer also keeps the event loop alive until the child has really gone.
    const force = setTimeout(() => signalGroup(child, "SIGKILL"), 2500);
    child.once("exit", () => {
      clearTimeout(force);
      signalGroup(child, "SIGKILL");
      resolve();
    });
    if (!signalGroup(child, "SIGTERM")) child.kill("SIGTERM");
  });
}

/** dotenv keeps single-quoted values literally (JSON values keep their double quotes). */
function quoteEnv(value: string): string {
  if (value.includes("'") || value.includes("\n")) throw new Error("env values must not contain single quotes or newlines");
  return `'${value}'`;
}
