// Billing for `npm run dev`: real Stripe when STRIPE_SECRET_KEY is set (test-mode keys, with
// `stripe listen` forwarding webhooks), otherwise the local Stripe double, whose hosted Checkout and
// portal pages send signed webhooks straight to the Worker, so the whole flow works offline.
import path from "node:path";
import { catalogPrices } from "../../tenants/plans.ts";
import { STRIPE_TEST_KEYS } from "./stripe-double/keys.ts";
import { startStripeDouble } from "./stripe-double/server.ts";

export interface DevBilling {
  vars: Record<string, string>;
  banner: string;
  stop(): Promise<void>;
}

const PASSED_THROUGH = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_HOST", "STRIPE_API_PORT", "STRIPE_API_PROTOCOL"] as const;

export async function startDevBilling(workerPort: number, stateDir: string, env = process.env): Promise<DevBilling> {
  const hook = `http://127.0.0.1:${workerPort}/hooks/stripe`;
  if (env.STRIPE_SECRET_KEY) {
    const vars = Object.fromEntries(PASSED_THROUGH.filter((k) => env[k]).map((k) => [k, env[k]!]));
    const mode = env.STRIPE_SECRET_KEY.startsWith("sk_live_") ? "LIVE keys!" : "test mode";
    const secret = env.STRIPE_WEBHOOK_SECRET ? "" : "  (set STRIPE_WEBHOOK_SECRET from `stripe listen`)";
    return { vars, banner: `Stripe (${mode}); webhooks: stripe listen --forward-to ${hook}${secret}`, stop: async () => {} };
  }
  const double = await startStripeDouble({
    port: Number(env.STRIPE_DOUBLE_PORT ?? 0),
    secretKey: STRIPE_TEST_KEYS.secretKey,
    webhookUrl: hook,
    webhookSecret: STRIPE_TEST_KEYS.webhookSecret,
    catalog: catalogPrices(),
    stateFile: path.join(stateDir, "stripe-double.json"),
  });
  return {
    vars: {
      STRIPE_SECRET_KEY: STRIPE_TEST_KEYS.secretKey,
      STRIPE_WEBHOOK_SECRET: STRIPE_TEST_KEYS.webhookSecret,
      STRIPE_API_HOST: "127.0.0.1",
      STRIPE_API_PORT: String(double.port),
      STRIPE_API_PROTOCOL: "http",
    },
    banner: `local Stripe double at ${double.url} (no STRIPE_SECRET_KEY: Checkout and the portal are simulated)`,
    stop: double.stop,
  };
}
