/**
 * The contact a visitor gave an agent, in the CRM: the list and the transcript carry it (null
 * for a conversation without one), the CSV export repeats it on each of the conversation's
 * rows (formula-guarded like every cell) and the JSON export carries it on the conversation.
 */
import { describe, expect, it } from "vitest";
import {
  ConversationDetailSchema,
  ConversationExportSchema,
  ConversationListSchema,
} from "../../../shared/api/conversations.ts";
import { chatSession, crm, deliver, ownerWithAgent } from "./helpers.ts";

const CAPTURED_AT = new Date("2026-05-04T10:00:00.000Z");
const CONTACT = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  phone: "+33 6 12 34 56 78",
  note: "Wants a demo, next week",
  captured_at: CAPTURED_AT.toISOString(),
};

async function ownerWithContact() {
  const owner = await ownerWithAgent();
  const withContact = await chatSession(owner.userId, owner.agent.id, {
    startedAt: new Date("2026-05-04T09:59:00.000Z"),
  });
  await deliver([
    withContact.create(withContact.messages({ content: "I'm Ada" }, { content: "Hello Ada" })),
    withContact.contact(CONTACT, CAPTURED_AT),
  ]);
  const without = await chatSession(owner.userId, owner.agent.id, {
    startedAt: new Date("2026-05-03T09:00:00.000Z"),
  });
  await deliver([without.create(without.messages({ content: "just browsing" }))]);
  return { owner, withContact: withContact.conversationId, without: without.conversationId };
}

describe("the contact in the conversation CRM", () => {
  it("lists each conversation with its contact, or null without one", async () => {
    const { owner, withContact, without } = await ownerWithContact();
    const list = ConversationListSchema.parse(await (await crm("", owner.token)).json());
    expect(list.conversations.map((c) => [c.id, c.contact])).toEqual([
      [withContact, CONTACT],
      [without, null],
    ]);
  });

  it("shows the contact on the transcript", async () => {
    const { owner, withContact, without } = await ownerWithContact();
    const detail = ConversationDetailSchema.parse(
      await (await crm(`/${withContact}`, owner.token)).json(),
    );
    expect(detail.contact).toEqual(CONTACT);
    const none = ConversationDetailSchema.parse(
      await (await crm(`/${without}`, owner.token)).json(),
    );
    expect(none.contact).toBeNull();
  });

  it("exports the contact in CSV on each of the conversation's rows, and empty cells without one", async () => {
    const { owner, withContact } = await ownerWithContact();
    const rows = (await (await crm("/export?format=csv", owner.token)).text()).split("\r\n");
    expect(rows[0]?.split(",").slice(-4)).toEqual([
      "contact_name",
      "contact_email",
      "contact_phone",
      "contact_note",
    ]);
    const tail = ',Ada Lovelace,ada@example.com,\'+33 6 12 34 56 78,"Wants a demo, next week"';
    expect(rows.slice(1, 3).every((r) => r.startsWith(withContact) && r.endsWith(tail))).toBe(true);
    expect(rows[3]).toMatch(/,,,,$/);
    const one = await (await crm(`/${withContact}/export?format=csv`, owner.token)).text();
    expect(one.split("\r\n")[1]?.endsWith(tail)).toBe(true);
  });

  it("exports the contact in JSON on the conversation", async () => {
    const { owner, withContact, without } = await ownerWithContact();
    const all = ConversationExportSchema.parse(
      await (await crm("/export?format=json", owner.token)).json(),
    );
    expect(all.conversations.map((c) => [c.id, c.contact])).toEqual([
      [withContact, CONTACT],
      [without, null],
    ]);
    const one = ConversationExportSchema.parse(
      await (await crm(`/${withContact}/export?format=json`, owner.token)).json(),
    );
    expect(one.conversations[0]?.contact).toEqual(CONTACT);
  });
});
