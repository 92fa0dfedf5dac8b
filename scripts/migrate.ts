// `npm run db:migrate`: apply migrations/ to DATABASE_URL as its owner (Neon's owner role in production).
import { runMigrations } from "./lib/migrate.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("Set DATABASE_URL to the owner connection string of the database to migrate.");
  process.exit(1);
}
await runMigrations(url);
console.log("Migrations applied.");
