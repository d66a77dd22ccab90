/**
 * Another tenant never sees a conversation or the contact a visitor left on it: 404 on its id,
 * absent from their list and export, whatever the filters.
 */
import { describe, expect, it } from "vitest";
import {
  ConversationExportSchema,
  ConversationListSchema,
} from "../../../shared/api/conversations.ts";
import { expectError } from "../helpers.ts";
import { chatSession, crm, deliver, ownerWithAgent, seedConversation } from "./helpers.ts";

async function twoTenants() {
  const a = await ownerWithAgent();
  const b = await ownerWithAgent();
  const secret = await chatSession(a.userId, a.agent.id);
  await deliver([
    secret.create(
      secret.messages({ content: "a's secret question" }, { content: "a's secret answer" }),
    ),
    secret.contact({ email: "a-visitor@example.com" }, new Date()),
  ]);
  const own = await chatSession(b.userId, b.agent.id);
  await deliver([own.create(own.messages({ content: "b's question" }))]);
  return { a, b, secret: secret.conversationId, own: own.conversationId };
}

describe("conversation CRM tenant isolation", () => {
  it("answers 404 CONVERSATION_NOT_FOUND to another tenant asking for a conversation by id", async () => {
    const { a, b, secret } = await twoTenants();
    await expectError(await crm(`/${secret}`, b.token), 404, "CONVERSATION_NOT_FOUND");
    await expectError(await crm(`/${secret}/export`, b.token), 404, "CONVERSATION_NOT_FOUND");
    await expectError(
      await crm(`/${secret.toUpperCase()}`, b.token),
      404,
      "CONVERSATION_NOT_FOUND",
    );
    const own = await crm(`/${secret}`, a.token);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain("a-visitor@example.com");
  });

  it("never lists another tenant's conversations, even filtered by their agent", async () => {
    const { a, b, own } = await twoTenants();
    const seen = ConversationListSchema.parse(await (await crm("?limit=100", b.token)).json());
    expect(seen.total).toBe(1);
    expect(seen.conversations.map((c) => [c.id, c.contact])).toEqual([[own, null]]);
    const byTheirAgent = ConversationListSchema.parse(
      await (await crm(`?agent_id=${a.agent.id}`, b.token)).json(),
    );
    expect(byTheirAgent).toMatchObject({ conversations: [], total: 0 });
  });

  it("never exports another tenant's conversations or messages", async () => {
    const { a, b, own } = await twoTenants();
    const csv = await (await crm("/export?format=csv", b.token)).text();
    expect(csv).not.toContain("a's secret");
    expect(csv).not.toContain("a-visitor@example.com");
    expect(csv.split("\r\n").filter(Boolean)).toHaveLength(2);
    const json = ConversationExportSchema.parse(
      await (await crm(`/export?format=json&agent_id=${a.agent.id}`, b.token)).json(),
    );
    expect(json.conversations).toEqual([]);
    const all = ConversationExportSchema.parse(
      await (await crm("/export?format=json", b.token)).json(),
    );
    expect(all.conversations.map((c) => c.id)).toEqual([own]);
  });

  it("asks for a token on every CRM route", async () => {
    const { a } = await twoTenants();
    const { id } = await seedConversation(a.token);
    for (const path of ["", "/export", `/${id}`])
      await expectError(await crm(path), 401, "UNAUTHENTICATED");
  });
});
