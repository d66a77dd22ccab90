/**
 * Secrets an owner gives us to use on their behalf (an MCP server's bearer token), encrypted at
 * rest with a key from the environment (`MCP_TOKEN_KEY`, 32 random bytes in base64): the
 * database holds only ciphertext, and a database dump without the Worker's secret reveals nothing.
 *
 * The format is a compact JWE (`dir` + `A256GCM`: AES-256-GCM through WebCrypto) made by `jose`,
 * which the Worker already uses for tokens, rather than a hand-made layout: a standard, versioned
 * container with its nonce and tag. The protected header (authenticated, not secret) names what
 * the secret belongs to, so a ciphertext copied onto another row does not open there.
 */
import { CompactEncrypt, compactDecrypt } from "jose";
import type { WorkerEnv } from "../env.ts";

/** The key is missing or unusable: nothing can be sealed or opened until it is set. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretKeyError";
  }
}

/** A sealed secret that does not open with this key for this owner (wrong key, tampered, moved). */
export class SecretOpenError extends Error {
  constructor() {
    super("the stored secret cannot be decrypted with the current MCP_TOKEN_KEY");
    this.name = "SecretOpenError";
  }
}

const ENC = "A256GCM";

function keyFrom(env: Pick<WorkerEnv, "MCP_TOKEN_KEY">): Uint8Array {
  const raw = env.MCP_TOKEN_KEY?.trim();
  if (!raw)
    throw new SecretKeyError(
      "MCP_TOKEN_KEY is not set: bearer tokens for MCP servers cannot be stored or used",
    );
  let bytes: Uint8Array;
  try {
    const b64 = raw.replace(/-/g, "+").replace(/_/g, "/");
    bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
  } catch {
    throw new SecretKeyError("MCP_TOKEN_KEY is not base64");
  }
  if (bytes.byteLength !== 32)
    throw new SecretKeyError(
      `MCP_TOKEN_KEY must be 32 bytes in base64 (it is ${bytes.byteLength}); generate one with \`openssl rand -base64 32\``,
    );
  return bytes;
}

/** Throws SecretKeyError when no usable key is configured (checked before accepting a secret). */
export function assertSecretKey(env: Pick<WorkerEnv, "MCP_TOKEN_KEY">): void {
  keyFrom(env);
}

/** Encrypts `plaintext` for `purpose` (e.g. "mcp:<server id>"). */
export async function sealSecret(
  env: Pick<WorkerEnv, "MCP_TOKEN_KEY">,
  plaintext: string,
  purpose: string,
): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: "dir", enc: ENC, purpose })
    .encrypt(keyFrom(env));
}

/** Decrypts what `sealSecret` made for the same `purpose`; SecretOpenError otherwise. */
export async function openSecret(
  env: Pick<WorkerEnv, "MCP_TOKEN_KEY">,
  sealed: string,
  purpose: string,
): Promise<string> {
  const key = keyFrom(env);
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(sealed, key, {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: [ENC],
    });
    if (protectedHeader.purpose !== purpose) throw new SecretOpenError();
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new SecretOpenError();
  }
}
