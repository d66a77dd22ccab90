/**
 * Migration 0010: a conversation holds the contact its visitor gave. The columns refuse what
 * the tool never stores (a capture without name, email or phone; a note over 1,000
 * characters), and row-level security covers them with the rest of the row: an authenticated
 * owner reads their visitors' contacts and no other owner's.
 */
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { asRole, connect, createOwner } from "./helpers.ts";

const sql = connect(1);
afterAll(() => sql.end());

async function conversationOf(ownerId: string): Promise<string> {
  const id = randomUUID();
  await sql`insert into conversations (id, owner_id, session_id) values (${id}, ${ownerId}, ${`s-${id}`})`;
  return id;
}

const CHECK_VIOLATION = { code: "23514" };

describe("migration 0010 (conversation contact)", () => {
  it("stores a contact and refuses one without name, email or phone, or with a note over 1,000 characters", async () => {
    const owner = await createOwner(sql);
    const id = await conversationOf(owner.id);
    await sql`update conversations set contact_email = 'ada@example.com', contact_captured_at = now() where id = ${id}`;
    await expect(
      sql`update conversations set contact_email = null where id = ${id}`,
    ).rejects.toMatchObject(CHECK_VIOLATION);
    await expect(
      sql`update conversations set contact_note = ${"x".repeat(1001)} where id = ${id}`,
    ).rejects.toMatchObject(CHECK_VIOLATION);
    const [row] = await sql<{ contact_email: string | null }[]>`
      select contact_email from conversations where id = ${id}`;
    expect(row).toEqual({ contact_email: "ada@example.com" });
  });

  it("shows an authenticated owner the contacts of their own conversations only", async () => {
    const a = await createOwner(sql);
    const b = await createOwner(sql);
    const theirs = await conversationOf(b.id);
    await sql`update conversations set contact_email = 'b-visitor@example.com', contact_captured_at = now() where id = ${theirs}`;
    const mine = await conversationOf(a.id);
    await sql`update conversations set contact_name = 'Ada', contact_captured_at = now() where id = ${mine}`;

    const seen = await asRole(
      sql,
      "authenticated",
      a.id,
      (tx) =>
        tx<{ contact_name: string | null; contact_email: string | null }[]>`
        select contact_name, contact_email from conversations where contact_captured_at is not null`,
    );
    expect(seen).toEqual([{ contact_name: "Ada", contact_email: null }]);
  });
});
