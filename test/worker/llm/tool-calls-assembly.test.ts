/**
 * Tool call pieces from servers that stray from OpenAI's stream shape (no index, index -1,
 * repeated or shared ids), assembled by workers/llm/tool-call-assembly.ts.
 */
import { describe, expect, it } from "vitest";
import { ToolCallAssembly } from "../../../workers/llm/tool-call-assembly.ts";

const fn = (name: string | undefined, args: string) => ({
  type: "function",
  function: { ...(name === undefined ? {} : { name }), arguments: args },
});

function assemble(...chunks: unknown[][]) {
  const assembly = new ToolCallAssembly();
  for (const pieces of chunks) expect(assembly.add(pieces)).toBe(true);
  return assembly.finish();
}

describe("tool call assembly", () => {
  it("continues the latest call with pieces that carry no index", () => {
    expect(
      assemble(
        [{ id: "call_x", ...fn("calculator", "") }],
        [{ function: { arguments: '{"expression"' } }],
        [{ function: { arguments: ':"1+1"}' } }],
      ),
    ).toEqual({
      ok: true,
      calls: [{ id: "call_x", name: "calculator", arguments: '{"expression":"1+1"}' }],
    });
  });

  it("starts a new call for an index-less piece with a new id or a second name", () => {
    const result = assemble(
      [{ id: "call_1", ...fn("calculator", '{"expression":"1"}') }],
      [{ id: "call_2", ...fn("calculator", '{"expression":"2"}') }],
      [{ id: "call_2", ...fn("knowledge_search", '{"query":"q"}') }],
    );

    expect(result).toEqual({
      ok: true,
      calls: [
        { id: "call_1", name: "calculator", arguments: '{"expression":"1"}' },
        { id: "call_2", name: "calculator", arguments: '{"expression":"2"}' },
        // Its id is taken, and so is call_<its index>: a suffix keeps it unique.
        { id: "call_2_2", name: "knowledge_search", arguments: '{"query":"q"}' },
      ],
    });
  });

  it("treats index -1 (sent by some servers for whole calls) as no index", () => {
    const result = assemble(
      [{ index: -1, id: "call_a", ...fn("calculator", '{"expression":"3"}') }],
      [{ index: -1, id: "call_b", ...fn("calculator", '{"expression":"4"}') }],
    );

    expect(result.ok && result.calls.map((c) => c.id)).toEqual(["call_a", "call_b"]);
  });

  it("keeps each id unique: a call repeating an earlier call's id gets call_<index>", () => {
    const result = assemble(
      [{ index: 0, id: "call_0", ...fn("calculator", "{}") }],
      [{ index: 1, id: "call_0", ...fn("calculator", "{}") }],
      [{ index: 2, ...fn("calculator", "{}") }],
    );

    expect(result.ok && result.calls.map((c) => c.id)).toEqual(["call_0", "call_1", "call_2"]);
  });

  it("orders calls by index whatever order their first pieces came in", () => {
    const result = assemble(
      [{ index: 1, id: "second", ...fn("calculator", "{}") }],
      [{ index: 0, id: "first", ...fn("knowledge_search", "{}") }],
    );

    expect(result.ok && result.calls.map((c) => c.id)).toEqual(["first", "second"]);
  });

  it("refuses a piece that is not shaped like a tool call piece", () => {
    for (const bad of [
      "call",
      { index: 0, id: 7 },
      { index: 0, function: "calculator" },
      { index: 0, function: { name: "calculator", arguments: { expression: "1" } } },
    ])
      expect(new ToolCallAssembly().add([bad])).toBe(false);
  });

  it("says which call ended without a name", () => {
    expect(assemble([{ index: 0, id: "call_q", function: { arguments: "{}" } }])).toEqual({
      ok: false,
      reason: "its tool call #0 ended before the tool's name arrived",
    });
  });
});
