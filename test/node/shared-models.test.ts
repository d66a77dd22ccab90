import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  DomainActionSchema,
  createDomainAction,
  queueForAction,
} from "../../shared/actions.ts";
import {
  CONFIG_LIMITS,
  ExecutionConfigSchema,
  QueryConfigSchema,
  RAGConfigSchema,
  defaultExecutionConfig,
  defaultQueryConfig,
  defaultRAGConfig,
} from "../../shared/config.ts";

const base = {
  action_type: "conversation.message.create",
  tenant_id: crypto.randomUUID(),
  session_id: "s-1",
  task_id: "t-1",
  origin_service: "chat-session",
  trace_id: "trace-1",
};

describe("DomainAction", () => {
  it("fills id, timestamp, data and metadata and keeps every field of the original", () => {
    const action = createDomainAction({
      ...base,
      user_id: "visitor",
      agent_id: crypto.randomUUID(),
      correlation_id: "c",
      callback_action_type: "conversation.message.create",
    });
    expect(action.action_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(action.timestamp)).not.toBeNaN();
    expect(action).toMatchObject({
      data: {},
      metadata: {},
      user_id: "visitor",
      correlation_id: "c",
    });
    expect(DomainActionSchema.parse(JSON.parse(JSON.stringify(action)))).toEqual(action);
  });

  it("routes an action to the queue of its first segment", () => {
    expect(queueForAction("conversation.message.create")).toBe("conversation");
    expect(queueForAction("ingestion.document.process")).toBe("ingestion");
    expect(queueForAction("embedding.batch.process")).toBe("embedding");
    for (const [type, row] of Object.entries(ACTIONS)) expect(type.split(".")[0]).toBe(row.queue);
    expect(() => queueForAction("billing.invoice.create")).toThrow(/no queue carries/);
    expect(() => queueForAction("conversation.message.delete")).toThrow(/no queue carries/);
  });

  it("refuses malformed action types and missing ids", () => {
    expect(
      DomainActionSchema.safeParse({
        ...base,
        action_id: crypto.randomUUID(),
        timestamp: new Date().toISOString(),
        action_type: "conversation",
      }).success,
    ).toBe(false);
    expect(
      DomainActionSchema.safeParse({
        ...base,
        action_id: crypto.randomUUID(),
        timestamp: new Date().toISOString(),
        action_type: "billing.invoice.create",
      }).success,
    ).toBe(false);
    expect(
      DomainActionSchema.safeParse({
        ...base,
        action_id: "not-a-uuid",
        timestamp: new Date().toISOString(),
      }).success,
    ).toBe(false);
    expect(
      DomainActionSchema.safeParse({
        ...base,
        action_id: crypto.randomUUID(),
        timestamp: new Date().toISOString(),
        tenant_id: "x",
      }).success,
    ).toBe(false);
  });
});

describe("agent configs", () => {
  it("have one set of defaults, the documented ones", () => {
    expect(defaultExecutionConfig()).toEqual({
      mode: "simple",
      model: "extractive",
      temperature: 0.7,
      max_tokens: 2048,
      top_p: 1,
      history_window: 10,
      max_iterations: 5,
      tools: {
        knowledge_search: { enabled: true },
        fetch_page: { enabled: false, allowed_domains: [] },
        calculator: { enabled: true },
        current_datetime: { enabled: true },
        capture_contact: { enabled: false },
      },
    });
    expect(defaultQueryConfig()).toEqual({
      mode: "rag",
      search_mode: "hybrid",
      top_k: 5,
      similarity_threshold: 0.15,
    });
    expect(defaultRAGConfig()).toEqual({
      chunk_size: 512,
      chunk_overlap: 50,
      embedding_model: "text-embedding-3-small",
      embedding_dimensions: 1536,
    });
  });

  it("enforce the ranges at their edges", () => {
    expect(
      ExecutionConfigSchema.safeParse({ temperature: CONFIG_LIMITS.temperature.max }).success,
    ).toBe(true);
    expect(ExecutionConfigSchema.safeParse({ temperature: 2.01 }).success).toBe(false);
    expect(QueryConfigSchema.safeParse({ top_k: 20 }).success).toBe(true);
    expect(QueryConfigSchema.safeParse({ top_k: 21 }).success).toBe(false);
    expect(QueryConfigSchema.safeParse({ top_k: 0 }).success).toBe(false);
    expect(RAGConfigSchema.safeParse({ chunk_size: 100, chunk_overlap: 100 }).success).toBe(false);
  });

  it("accept any model name: the list comes from the configured providers, not an enum", () => {
    expect(ExecutionConfigSchema.parse({ model: "llama-3.3-70b-versatile" }).model).toBe(
      "llama-3.3-70b-versatile",
    );
    expect(ExecutionConfigSchema.parse({ model: "qwen2.5:7b" }).model).toBe("qwen2.5:7b");
  });
});
