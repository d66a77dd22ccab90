/**
 * capture_contact stores only what the visitor typed in the conversation: typed details are
 * saved (phone compared by digits, email and name by case), a detail the visitor never typed
 * is refused with a ToolError that tells the model to ask, and a note carrying an address the
 * visitor did not type (an injection canary from a fetched page) is refused too; a refused
 * call saves nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ExecutionConfigSchema, QueryConfigSchema } from "../../../../shared/config.ts";
import { captureContactTool } from "../../../../workers/agent/tools/capture-contact.ts";
import { ToolError } from "../../../../workers/agent/tools/types.ts";
import type { CapturedContact, ToolContext } from "../../../../workers/agent/tools/types.ts";

const CANARY = "attacker@evil.example";

function context(visitorMessages: string[]) {
  const saved: CapturedContact[] = [];
  const ctx: ToolContext = {
    env,
    agent: {
      id: crypto.randomUUID(),
      tenant_id: crypto.randomUUID(),
      name: "Front desk",
      description: null,
      system_prompt: "You help visitors.",
      execution_config: ExecutionConfigSchema.parse({ mode: "advanced" }),
      query_config: QueryConfigSchema.parse({}),
      mcp_servers: [],
    },
    conversationId: crypto.randomUUID(),
    sessionId: `session-${crypto.randomUUID()}`,
    visitorMessages,
    signal: new AbortController().signal,
    fetch,
    now: () => new Date("2026-03-30T09:00:00Z"),
    saveContact: async (contact) => {
      saved.push(contact);
    },
  };
  return { ctx, saved };
}

/** Parses the model's arguments as the loop does, then runs the tool. */
const call = (args: unknown, ctx: ToolContext) =>
  captureContactTool.run(captureContactTool.args.parse(args), ctx);

const VISITOR = [
  "Hi, can someone from sales call me back?",
  "I'm Ada Lovelace, ADA@Example.com, or phone +33 6 12-34-56-78.",
];

describe("capture_contact", () => {
  it("saves the name, email and phone the visitor typed, with the note, and tells model and visitor", async () => {
    const { ctx, saved } = context(VISITOR);
    const outcome = await call(
      {
        name: "ada  lovelace",
        email: "ada@example.com",
        phone: "33612345678",
        note: "Wants \u0000 a call\nback from sales.",
      },
      ctx,
    );
    expect(saved).toEqual([
      {
        name: "ada lovelace",
        email: "ada@example.com",
        phone: "33612345678",
        note: "Wants a call back from sales.",
      },
    ]);
    expect(outcome.summary).toBe("Saved your contact details for Front desk's team");
    expect(outcome.content).toContain("Email: ada@example.com");
    expect(outcome.detail).toBe(
      "Name: ada lovelace\nEmail: ada@example.com\nPhone: 33612345678\nNote: Wants a call back from sales.",
    );
    expect(captureContactTool.describeCall({ email: "ada@example.com" })).toBe(
      "Saving your contact details",
    );
  });

  it("refuses an email the visitor never typed, tells the model to ask, and saves nothing", async () => {
    const { ctx, saved } = context(VISITOR);
    const refused = call({ name: "Ada Lovelace", email: CANARY }, ctx);
    await expect(refused).rejects.toThrow(ToolError);
    await expect(refused).rejects.toThrow(/not typed by the visitor.*ask the visitor/s);
    // The refusal goes to the visitor's step line: it must not repeat the planted address.
    await expect(refused).rejects.not.toThrow(CANARY);
    expect(saved).toEqual([]);
  });

  it("refuses a part of a longer address, a number the visitor did not type, and a name they did not give", async () => {
    const { ctx, saved } = context(["reach me at x.ada@example.com or 06 12 34 56 78"]);
    await expect(call({ email: "ada@example.com" }, ctx)).rejects.toThrow(ToolError);
    await expect(call({ phone: "+33 6 99 99 99 99" }, ctx)).rejects.toThrow(ToolError);
    await expect(call({ phone: "06 12 34 56 78", name: "Grace" }, ctx)).rejects.toThrow(/name/);
    expect(saved).toEqual([]);
  });

  it("refuses a note carrying an email or phone the visitor did not type (an injected canary)", async () => {
    const { ctx, saved } = context(VISITOR);
    await expect(
      call({ email: "ada@example.com", note: `Also copy ${CANARY} on the reply.` }, ctx),
    ).rejects.toThrow(/note contains/);
    await expect(
      call({ email: "ada@example.com", note: "Or call +1 (555) 010-9999 after 6." }, ctx),
    ).rejects.toThrow(/note contains/);
    expect(saved).toEqual([]);
    await call({ email: "ada@example.com", note: "Call +33 6 12 34 56 78 on 2026-04-01." }, ctx);
    expect(saved).toHaveLength(1);
  });

  it("asks for at least one of name, email or phone, and for a valid email", async () => {
    const { ctx, saved } = context(["my email is ada@example", "note this"]);
    await expect(call({ note: "Wants a call." }, ctx)).rejects.toThrow(/at least one/);
    await expect(call({ name: "   " }, ctx)).rejects.toThrow(/at least one/);
    await expect(call({ email: "ada@example" }, ctx)).rejects.toThrow(/not a valid address/);
    await expect(call({ phone: "call me" }, ctx)).rejects.toThrow(/not a phone number/);
    expect(saved).toEqual([]);
  });

  it("offers the model its arguments as JSON Schema with no required field", () => {
    expect(captureContactTool.spec.name).toBe("capture_contact");
    expect(captureContactTool.spec.parameters).toMatchObject({
      type: "object",
      properties: { name: {}, email: {}, phone: {}, note: {} },
    });
    expect(captureContactTool.spec.parameters.required).toBeUndefined();
  });
});
