/**
 * Usernames name public profile pages (`/{username}`), so they share the URL space with app
 * routes: the reserved list keeps a profile from shadowing one. The database enforces the same
 * rules (migrations/0002_profiles.sql).
 */
import { z } from "zod";

export const RESERVED_USERNAMES = new Set([
  "api",
  "ws",
  "settings",
  "sign-in",
  "sign-up",
  "sign-out",
  "signin",
  "signup",
  "login",
  "logout",
  "admin",
  "docs",
  "health",
  "openapi",
  "openapi.json",
  "dashboard",
  "agents",
  "knowledge",
  "documents",
  "conversations",
  "profile",
  "account",
  "assets",
  "static",
  "public",
  "app",
  "www",
  "help",
  "support",
  "about",
  "terms",
  "privacy",
  "nooble",
  "root",
  "system",
  "null",
  "undefined",
  "auth",
  "dev",
  "chat",
  "embed",
  "widget",
  "reset-password",
  "404",
]);

export const USERNAME_PATTERN = /^[a-z0-9_-]{3,30}$/;

export const UsernameSchema = z
  .string()
  .regex(USERNAME_PATTERN, "a username is 3-30 characters of a-z, 0-9, _ and -")
  .refine((u) => !RESERVED_USERNAMES.has(u), "this username is reserved");

/** A valid, unreserved username derived from an email's local part (no uniqueness check). */
export function usernameFromEmail(email: string): string {
  const local = email.split("@")[0] ?? "";
  let name = local
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "")
    .slice(0, 24);
  if (name.length < 3) name = `${name || "user"}-owner`.slice(0, 24);
  if (RESERVED_USERNAMES.has(name)) name = `${name}-1`;
  return name;
}
