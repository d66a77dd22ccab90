/** The offline extractive provider: answers made of whole sentences quoted from the passages. */
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
  it("quotes the whole sentence that answers, citing its passage, with no preamble", async () => {
    const { text, error } = await ask("How many days do I have to get a refund?");
    expect(error).toBeUndefined();
    expect(text).toBe("> Refunds are accepted within 30 days of purchase, with the receipt. [2]");
    expect(text).not.toContain("language model");
  });

  it("never cuts a sentence at an abbreviation or a decimal point", async () => {
    const prices = passage(
      "prices.md",
      "Prices are set by the U.S. office. The Pro plan costs 12.50 per month, billed in USD. Taxes are extra.",
    );
    const { text } = await ask("Which currency is the Pro plan billed in?", [prices]);
    expect(text).toBe("> The Pro plan costs 12.50 per month, billed in USD. [1]");
  });

  it("keeps a long sentence whole instead of cutting it", async () => {
    const long = `The warranty covers ${Array.from({ length: 80 }, (_, i) => `part ${i}`).join(", ")} and the battery.`;
    const { text } = await ask("Does the warranty cover the battery?", [
      passage("warranty.md", long),
    ]);
    expect(text).toBe(`> ${long} [1]`);
  });

  it("quotes the table row that answers, not every row sharing a word with the question", async () => {
    const table = passage(
      "shipping-rates.md",
      "Shipping rates\n| Zone | Price | Days |\n| EU shipping | 5 EUR | 2 days |\n| UK shipping | 9 GBP | 4 days |\n| US shipping | 15 USD | 7 days |",
    );
    const { text } = await ask("What does UK shipping cost, in GBP?", [table]);
    expect(text).toBe("> | UK shipping | 9 GBP | 4 days | [1]");
  });

  it("quotes a sentence found in two passages once", async () => {
    const copy = passage("refunds-copy.md", PASSAGES[1]?.text ?? "");
    const { text } = await ask("Can gift cards be refunded?", [PASSAGES[1] ?? copy, copy]);
    expect(text.match(/Gift cards cannot be refunded/g)).toHaveLength(1);
    expect(text).not.toContain("[2]");
  });

  it("quotes from at most three passages, each quote with its own passage's number", async () => {
    const many = ["one", "two", "three", "four"].map((n) =>
      passage(`${n}.md`, `The ${n} office opens at nine every morning.`),
    );
    const { text } = await ask("When does the office open?", many);
    const quotes = text.split("\n\n");
    expect(quotes).toHaveLength(3);
    quotes.forEach((q, i) => expect(q).toMatch(new RegExp(`^> .+ \\[${i + 1}\\]$`)));
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
    expect(text).toBe("> The support desk is open Monday to Friday, 9:00 to 17:00. [3]");
  });

  it("says the knowledge base has nothing when there are no passages", async () => {
    const { text } = await ask("How many days do I have to get a refund?", []);
    expect(text).toBe("This agent's knowledge base has nothing on that question.");
  });

  it("says nothing matches when no passage shares a word with the question", async () => {
    const { text } = await ask("Is parking available nearby?");
    expect(text).toMatch(/^Nothing in this agent's knowledge base matches/);
    expect(text).not.toMatch(/\[\d\]/);
  });

  it("streams word-sized deltas, then a usage estimate of about four characters a token", async () => {
    const { received, text } = await ask("Where do you ship?");
    const deltas = received.flatMap((e) => (e.type === "delta" ? [e.text] : []));
    expect(deltas.length).toBeGreaterThan(5);
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
    expect(rewritten.text).toBe(
      "> Refunds are accepted within 30 days of purchase, with the receipt. [2]",
    );
  });
});
