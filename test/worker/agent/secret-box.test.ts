/**
 * The at-rest encryption of owners' secrets: what is sealed opens only with the same key and for
 * the same purpose, the ciphertext does not contain the secret, and a missing or malformed key is
 * refused with a message that says how to make one.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  assertSecretKey,
  openSecret,
  SecretKeyError,
  SecretOpenError,
  sealSecret,
} from "../../../workers/agent/secret-box.ts";

const otherKey = { MCP_TOKEN_KEY: btoa(String.fromCharCode(...new Uint8Array(32).fill(7))) };

describe("secret box", () => {
  it("seals a secret that opens with the same key and purpose", async () => {
    const sealed = await sealSecret(env, "tok-123456", "mcp-server:a");
    expect(sealed).not.toContain("tok-123456");
    expect(sealed.split(".")).toHaveLength(5);
    expect(await openSecret(env, sealed, "mcp-server:a")).toBe("tok-123456");
  });

  it("uses a fresh nonce each time: the same secret seals differently", async () => {
    const a = await sealSecret(env, "same", "p");
    const b = await sealSecret(env, "same", "p");
    expect(a).not.toBe(b);
  });

  it("does not open with another key, for another purpose, or after tampering", async () => {
    const sealed = await sealSecret(env, "tok", "mcp-server:a");
    await expect(openSecret(otherKey, sealed, "mcp-server:a")).rejects.toBeInstanceOf(
      SecretOpenError,
    );
    await expect(openSecret(env, sealed, "mcp-server:b")).rejects.toBeInstanceOf(SecretOpenError);
    const parts = sealed.split(".");
    const body = parts[3] ?? "";
    parts[3] = (body[0] === "A" ? "B" : "A") + body.slice(1);
    await expect(openSecret(env, parts.join("."), "mcp-server:a")).rejects.toBeInstanceOf(
      SecretOpenError,
    );
  });

  it("refuses a missing or wrong-sized key, saying how to make one", async () => {
    expect(() => assertSecretKey({})).toThrow(SecretKeyError);
    expect(() => assertSecretKey({ MCP_TOKEN_KEY: btoa("short") })).toThrow(
      /must be 32 bytes in base64 \(it is 5\).*openssl rand -base64 32/,
    );
    await expect(sealSecret({}, "tok", "p")).rejects.toThrow(/MCP_TOKEN_KEY is not set/);
    expect(() => assertSecretKey(env)).not.toThrow();
  });
});
