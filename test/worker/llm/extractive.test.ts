/** The offline extractive provider: honest answers quoted from the knowledge passages. */
import { describe, expect, it } from "vitest";
import { createExtractiveProvider } from "../../../workers/llm/extractive.ts";
import type { Passage } from "../../../workers/llm/types.ts";
import { chatRequest, collect } from "./fixtures.ts";

const passage = (document_name: string, text: string): Passage => ({
  document_id: crypto.randomUUID(),
  document_name,
  text,
  score: 0.8,
});

const PASSAGES = [
  passage(
    "shipping.md",
    "We ship to every country in the EU. Orders leave the warehouse within two working days.",
  ),
  passage(
    "refunds.md",
    "Our shop is friendly. Refunds are accepted within 30 days of purchase, with the receipt. Gift cards cannot be refunded.",
  ),
  passage("hours.md", "The support desk is open Monday to Friday, 9:00 to 17:00."),
];

const ask = (question: string, passages: Passage[] = PASSAGES) =>
  collect(
    createExtractiveProvider().stream(
      chatRequest({
        model: "extractive",
        passages,
        messages: [
          { role: "system", content: "You are Shop Helper." },
          { role: "user", content: question },
        ],
      }),
    ),
  );

describe("extractive provider", () => {
  it("says no language model is configured and quotes the sentence that answers, citing its passage", async () => {
    const { text, error } = await ask("How many days do I have to get a refund?");
    expect(error).toBeUndefined();
    expect(
      text.startsWith(
        "No language model is configured on this server, so here is what the knowledge base says:\n\n",
      ),
    ).toBe(true);
    expect(text.split("\n")[2]).toBe(
      "> Refunds are accepted within 30 days of purchase, with the receipt. [2]",
    );
    expect(text).not.toContain("Our shop is friendly");
    expect(text).not.toContain("[3]");
  });

  it("answers from the last user message, not earlier turns", async () => {
    const { text } = await collect(
      createExtractiveProvider().stream(
        chatRequest({
          passages: PASSAGES,
          messages: [
            { role: "user", content: "Do you ship to the EU?" },
            { role: "assistant", content: "Yes." },
            { role: "user", content: "When is the support desk open?" },
          ],
        }),
      ),
    );
    expect(text).toContain("> The support desk is open Monday to Friday, 9:00 to 17:00. [3]");
    expect(text).not.toContain("[1]");
  });

  it("says that there is no model and that the knowledge base has nothing when there are no passages", async () => {
    const { text } = await ask("How many days do I have to get a refund?", []);
    expect(text).toMatch(/^No language model is configured/);
    expect(text).toContain("knowledge base has nothing");
    expect(text).not.toContain(">");
  });

  it("says the knowledge base has nothing matching when no passage shares a word with the question", async () => {
    const { text } = await ask("Is parking available nearby?");
    expect(text).toMatch(/^No language model is configured/);
    expect(text).toContain("nothing in it matches");
    expect(text).not.toMatch(/\[\d\]/);
  });

  it("streams word-sized deltas, then a usage estimate of about four characters a token", async () => {
    const { received, text } = await ask("Where do you ship?");
    const deltas = received.flatMap((e) => (e.type === "delta" ? [e.text] : []));
    expect(deltas.length).toBeGreaterThan(10);
    for (const d of deltas) expect(d).toMatch(/^\s*\S+$/);
    const usage = received.at(-1);
    const completion = Math.ceil(text.length / 4);
    expect(usage).toEqual({
      type: "usage",
      usage: {
        prompt_tokens: expect.any(Number),
        completion_tokens: completion,
        total_tokens: expect.any(Number),
      },
    });
    if (usage?.type === "usage")
      expect(usage.usage.total_tokens).toBe(usage.usage.prompt_tokens + completion);
  });

  it("gives the same deltas for the same request every time", async () => {
    const first = await ask("Can gift cards be refunded?");
    const second = await ask("Can gift cards be refunded?");
    expect(second.received).toEqual(first.received);
    expect(first.text).toContain("Gift cards cannot be refunded. [2]");
  });

  it("quotes against the query the passages were searched for when one is given (advanced mode's rewrite)", async () => {
    const messages = [{ role: "user" as const, content: "And how long do they take?" }];
    const asSent = await collect(
      createExtractiveProvider().stream(
        chatRequest({ model: "extractive", passages: PASSAGES, messages }),
      ),
    );
    const rewritten = await collect(
      createExtractiveProvider().stream(
        chatRequest({
          model: "extractive",
          passages: PASSAGES,
          messages,
          searchQuery: "How long do refunds take?",
        }),
      ),
    );
    expect(asSent.text).not.toContain("Refunds are accepted");
    expect(rewritten.text.split("\n")[2]).toBe(
      "> Refunds are accepted within 30 days of purchase, with the receipt. [2]",
    );
  });
});
