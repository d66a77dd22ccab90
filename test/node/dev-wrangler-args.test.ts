/**
 * `npm run dev` hands wrangler every Worker setting exported in the shell: the arguments it
 * builds (scripts/lib/wrangler-args.ts), and the README's Configuration table checked against
 * them, so a documented variable the Worker reads can never be silently dropped again.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DEV_SCRIPT_SETTINGS,
  wranglerDevArgs,
  wranglerDevEnv,
} from "../../scripts/lib/wrangler-args.ts";
import { WORKER_VARIABLES } from "../../workers/env.ts";

const forwarded = (args: string[]) =>
  Object.fromEntries(
    args.flatMap((a, i) =>
      args[i - 1] === "--var" ? [[a.slice(0, a.indexOf(":")), a.slice(a.indexOf(":") + 1)]] : [],
    ),
  );

/** The variable names in the first column of README > Configuration. */
function documentedVariables(): string[] {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("Configuration\n"));
  if (!section) throw new Error("README has no Configuration section");
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) =>
      [...(line.split("|")[1] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? ""),
    )
    .filter((name) => /^[A-Z][A-Z0-9_]*$/.test(name));
}

describe("wrangler dev arguments", () => {
  it("forwards each Worker setting set in the shell, whole, URLs with colons included", () => {
    const args = wranglerDevArgs({
      QDRANT_URL: "http://127.0.0.1:6333",
      QDRANT_API_KEY: "k:1",
      CHAT_IDLE_MS: "5000",
      SUPABASE_ANON_KEY: "anon",
      MAX_UPLOAD_BYTES: "1024",
    });
    expect(forwarded(args)).toEqual({
      QDRANT_URL: "http://127.0.0.1:6333",
      QDRANT_API_KEY: "k:1",
      CHAT_IDLE_MS: "5000",
      SUPABASE_ANON_KEY: "anon",
      MAX_UPLOAD_BYTES: "1024",
    });
  });

  it("leaves out unset and empty settings and anything the Worker does not read", () => {
    const args = wranglerDevArgs({
      GROQ_API_KEY: "",
      PATH: "/usr/bin",
      DATABASE_URL: "postgres://x",
      HOME: "/root",
    });
    expect(forwarded(args)).toEqual({});
  });

  it("binds to 127.0.0.1 on PORT (8787 by default) and passes extra arguments before the variables", () => {
    expect(wranglerDevArgs({}).slice(0, 5)).toEqual(["dev", "--ip", "127.0.0.1", "--port", "8787"]);
    expect(
      wranglerDevArgs({ PORT: "9000", ENVIRONMENT: "development" }, ["--log-level", "debug"]),
    ).toEqual([
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      "9000",
      "--log-level",
      "debug",
      "--var",
      "ENVIRONMENT:development",
    ]);
  });
});

describe("wrangler dev environment", () => {
  it("turns metrics, the Request.cf download, the dev registry and the update check off", () => {
    expect(wranglerDevEnv({ PATH: "/usr/bin" }, "postgres://db")).toEqual({
      PATH: "/usr/bin",
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_REGISTRY_PATH: "",
      WRANGLER_HIDE_BANNER: "true",
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: "postgres://db",
    });
  });

  it("lets the shell turn each back on, but always points Hyperdrive at the dev database", () => {
    const env = wranglerDevEnv(
      {
        WRANGLER_SEND_METRICS: "true",
        WRANGLER_REGISTRY_PATH: "/tmp/registry",
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: "postgres://elsewhere",
      },
      "postgres://db",
    );
    expect(env.WRANGLER_SEND_METRICS).toBe("true");
    expect(env.WRANGLER_REGISTRY_PATH).toBe("/tmp/registry");
    expect(env.CLOUDFLARE_CF_FETCH_ENABLED).toBe("false");
    expect(env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE).toBe("postgres://db");
  });
});

describe("README > Configuration", () => {
  const documented = documentedVariables();

  it("lists variables (the parser found the table)", () => {
    expect(documented).toEqual(
      expect.arrayContaining(["DATABASE_URL", "QDRANT_URL", "QDRANT_API_KEY", "CHAT_IDLE_MS"]),
    );
  });

  it("has every variable the Worker reads forwarded by npm run dev when exported", () => {
    const readByWorker = documented.filter((name) =>
      (WORKER_VARIABLES as readonly string[]).includes(name),
    );
    const shell = Object.fromEntries(readByWorker.map((name) => [name, `value-of-${name}`]));
    expect(Object.keys(forwarded(wranglerDevArgs(shell))).sort()).toEqual([...readByWorker].sort());
  });

  it("documents every Worker setting, and names only Worker settings or the dev script's own", () => {
    expect(documented).toEqual(expect.arrayContaining([...WORKER_VARIABLES]));
    const known = new Set<string>([...WORKER_VARIABLES, ...DEV_SCRIPT_SETTINGS]);
    expect(documented.filter((name) => !known.has(name))).toEqual([]);
  });
});
