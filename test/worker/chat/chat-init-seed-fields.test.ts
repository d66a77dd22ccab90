/**
 * chat/init accepts the fields the original platform's clients send: `tenant_id` (a check that
 * answers exactly like an unknown agent when it is not the agent's owner), `metadata` (bounded,
 * kept on the session) and `initial_message` (checked like a chat message before anything is
 * created). Unknown fields are still refused.
 */
import { describe, expect, it } from "vitest";
import { ChatInitResponseSchema } from "../../../shared/api/chat.ts";
import { METADATA_LIMITS } from "../../../shared/metadata.ts";
import { createAgent, expectError, fieldPaths, signIn } from "../helpers.ts";
import {
  initRequest,
  publicAgent,
  recordConversationActions,
  sessionStub,
  sql,
} from "./helpers.ts";

recordConversationActions();
const MAX_MESSAGE_CHARS = 4000; // CHAT_MAX_MESSAGE_CHARS in wrangler.toml

describe("chat/init tenant_id", () => {
  it("starts the chat when tenant_id names the agent's owner, in any case", async () => {
    const { agent } = await publicAgent();
    expect((await initRequest({ agent_id: agent.id, tenant_id: agent.owner_id })).status).toBe(201);
    expect(
      (await initRequest({ agent_id: agent.id, tenant_id: agent.owner_id.toUpperCase() })).status,
    ).toBe(201);
  });

  it("answers another tenant's id, or a malformed one, exactly as an unknown agent", async () => {
    const { agent } = await publicAgent();
    const stranger = await signIn();
    const unknown = await expectError(
      await initRequest({ agent_id: crypto.randomUUID() }),
      404,
      "AGENT_NOT_FOUND",
    );
    for (const tenantId of [stranger.userId, crypto.randomUUID(), "not-a-tenant"]) {
      const error = await expectError(
        await initRequest({ agent_id: agent.id, tenant_id: tenantId }),
        404,
        "AGENT_NOT_FOUND",
      );
      expect({ ...error, request_id: undefined }).toEqual({ ...unknown, request_id: undefined });
    }
  });

  it("is checked for the owner's test chat too: their own token does not excuse another tenant id", async () => {
    const owner = await signIn();
    const stranger = await signIn();
    const draft = await createAgent(owner.token, { is_public: false });
    expect(
      (await initRequest({ agent_id: draft.id, tenant_id: owner.userId }, { token: owner.token }))
        .status,
    ).toBe(201);
    await expectError(
      await initRequest({ agent_id: draft.id, tenant_id: stranger.userId }, { token: owner.token }),
      404,
      "AGENT_NOT_FOUND",
    );
  });
});

describe("chat/init metadata", () => {
  it("keeps the metadata on the session", async () => {
    const { agent } = await publicAgent();
    const metadata = {
      page: "/pricing",
      campaign: "spring",
      logged_in: false,
      cart_items: 2,
      ref: null,
    };
    const init = ChatInitResponseSchema.parse(
      await (await initRequest({ agent_id: agent.id, metadata })).json(),
    );
    const [row] = await sql<{ visitor: string }>(init.session_id, "select visitor from session");
    expect(JSON.parse(row?.visitor ?? "{}")).toMatchObject({ metadata });
    expect(init.task_id).toBeUndefined();
  });

  it("refuses too many keys, long or blank keys, long values and nested values, naming the field", async () => {
    const { agent } = await publicAgent();
    const tooMany = Object.fromEntries(
      Array.from({ length: METADATA_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]),
    );
    const longKey = "k".repeat(METADATA_LIMITS.maxKeyChars + 1);
    const cases: [unknown, string][] = [
      [tooMany, "metadata"],
      [{ [longKey]: 1 }, `metadata.${longKey}`],
      [{ "": 1 }, "metadata."],
      [{ "tab\there": 1 }, "metadata.tab\there"],
      [{ note: "x".repeat(METADATA_LIMITS.maxValueChars + 1) }, "metadata.note"],
      [{ nested: { too: "deep" } }, "metadata.nested"],
      [["a", "b"], "metadata"],
      ["page=/pricing", "metadata"],
    ];
    for (const [metadata, field] of cases) {
      const error = await expectError(
        await initRequest({ agent_id: agent.id, metadata }),
        400,
        "VALIDATION_FAILED",
      );
      expect(fieldPaths(error), JSON.stringify(metadata).slice(0, 60)).toEqual([field]);
    }
    const atTheLimits = Object.fromEntries(
      Array.from({ length: METADATA_LIMITS.maxKeys }, (_, i) => [
        `${i}`.padEnd(METADATA_LIMITS.maxKeyChars, "k"),
        "v".repeat(METADATA_LIMITS.maxValueChars),
      ]),
    );
    expect((await initRequest({ agent_id: agent.id, metadata: atTheLimits })).status).toBe(201);
  });

  it("still refuses fields it does not know, by name", async () => {
    const { agent } = await publicAgent();
    const error = await expectError(
      await initRequest({ agent_id: agent.id, tenant_id: agent.owner_id, widget_theme: "dark" }),
      400,
      "VALIDATION_FAILED",
    );
    expect(fieldPaths(error)).toEqual(["widget_theme"]);
  });
});

describe("chat/init initial_message", () => {
  it("answers the task it started", async () => {
    const { agent } = await publicAgent();
    const init = ChatInitResponseSchema.parse(
      await (await initRequest({ agent_id: agent.id, initial_message: "Hello there" })).json(),
    );
    expect(init.task_id).toMatch(/^[0-9a-f-]{36}$/);
    const status = await sessionStub(init.session_id).status();
    expect(status?.message_count).toBeGreaterThanOrEqual(1);
  });

  it("refuses an empty, blank, too long or non-text message with the chat message's codes", async () => {
    const { agent } = await publicAgent();
    for (const empty of ["", "   \n "]) {
      const error = await expectError(
        await initRequest({ agent_id: agent.id, initial_message: empty }),
        400,
        "MESSAGE_EMPTY",
      );
      expect(fieldPaths(error)).toEqual(["initial_message"]);
    }
    const long = await expectError(
      await initRequest({ agent_id: agent.id, initial_message: "a".repeat(MAX_MESSAGE_CHARS + 1) }),
      413,
      "MESSAGE_TOO_LONG",
    );
    expect(long.message).toContain(`at most ${MAX_MESSAGE_CHARS} characters`);
    expect(fieldPaths(long)).toEqual(["initial_message"]);
    expect(
      (await initRequest({ agent_id: agent.id, initial_message: "a".repeat(MAX_MESSAGE_CHARS) }))
        .status,
    ).toBe(201);
    const notText = await expectError(
      await initRequest({ agent_id: agent.id, initial_message: 42 }),
      400,
      "VALIDATION_FAILED",
    );
    expect(fieldPaths(notText)).toEqual(["initial_message"]);
  });
});
