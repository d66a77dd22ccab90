/** `npm run db:migrate`: applies migrations to DATABASE_URL (e.g. Supabase's direct URL). */
import { migrate } from "./lib/migrate.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. `npm run dev` migrates the embedded database by itself.");
  process.exit(1);
}
const applied = await migrate(url, (l) => console.log(l));
console.log(applied.length ? `${applied.length} migration(s) applied` : "database is up to date");
