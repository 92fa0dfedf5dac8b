// Starts what the workerd tests reach over the network: Postgres (embedded unless TEST_DATABASE_URL
// names a real server) with migrations applied, and the WebSocket bridge the Neon driver connects to.
import { startEmbeddedPostgres } from "../scripts/lib/embedded-postgres.ts";
import { runMigrations } from "../scripts/lib/migrate.ts";
import { startWsBridge } from "../scripts/lib/ws-bridge.ts";
import { STRIPE_TEST_KEYS } from "../scripts/lib/stripe-double/keys.ts";
import { startStripeDouble } from "../scripts/lib/stripe-double/server.ts";
import { catalogPrices } from "../tenants/plans.ts";
import { startProvidersDouble } from "./doubles/providers-double.ts";

export default async function setup() {
  const stops: Array<() => Promise<void>> = [];
  let ownerUrl = process.env.TEST_OWNER_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!ownerUrl) {
    const pg = await startEmbeddedPostgres({ port: Number(process.env.PARLEY_TEST_PG_PORT) });
    stops.push(pg.stop);
    ownerUrl = pg.url;
  }
  await runMigrations(ownerUrl);
  await runMigrations(ownerUrl); // re-running must be a no-op
  const bridge = await startWsBridge({ port: Number(process.env.PARLEY_TEST_BRIDGE_PORT) });
  stops.push(bridge.stop);
  const stripe = await startStripeDouble({ port: Number(process.env.PARLEY_TEST_STRIPE_PORT), secretKey: STRIPE_TEST_KEYS.secretKey, catalog: catalogPrices() });
  stops.push(stripe.stop);
  const providers = await startProvidersDouble({ port: Number(process.env.PARLEY_TEST_PROVIDERS_PORT) });
  stops.push(providers.stop);
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
