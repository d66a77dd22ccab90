/**
 * `.dev.vars` (git-ignored) holds local development settings for `wrangler dev`. The first run
 * writes ENVIRONMENT=development, a random SUPABASE_JWT_SECRET for dev sign-in tokens and a
 * random SESSION_TOKEN_SECRET for visitors' chat session tokens and a random MCP_TOKEN_KEY
 * (32 bytes, base64) that encrypts MCP servers' bearer tokens;
 * anything the developer adds there is kept.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

export function ensureDevVars(path: string): Record<string, string> {
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  const vars = Object.fromEntries(
    text
      .split("\n")
      .map((l) => /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  const additions: string[] = [];
  if (!vars.ENVIRONMENT) additions.push("ENVIRONMENT=development");
  if (!vars.SUPABASE_JWT_SECRET && !process.env.SUPABASE_URL) {
    additions.push(`SUPABASE_JWT_SECRET=${randomBytes(32).toString("base64url")}`);
  }
  if (!vars.SESSION_TOKEN_SECRET)
    additions.push(`SESSION_TOKEN_SECRET=${randomBytes(32).toString("base64url")}`);
  if (!vars.MCP_TOKEN_KEY) additions.push(`MCP_TOKEN_KEY=${randomBytes(32).toString("base64")}`);
  if (additions.length) {
    const header = text
      ? ""
      : "# Local settings for `wrangler dev` (git-ignored). See README > Configuration.\n";
    writeFileSync(
      path,
      `${header}${text}${text && !text.endsWith("\n") ? "\n" : ""}${additions.join("\n")}\n`,
    );
    return ensureDevVars(path);
  }
  return vars;
}
