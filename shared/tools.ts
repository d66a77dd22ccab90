/**
 * The tools an advanced-mode agent can call, declared once: each tool's name, what the model
 * is told it does, and its arguments as a zod schema. The providers get the same schemas as
 * JSON Schema (`toolParameters`), the agent loop validates the model's arguments with them
 * (invalid arguments go back to the model as a tool error), and the agent editor's Tools
 * section reads the names, labels and settings from here.
 *
 * An agent's tool settings live in `execution_config.tools` (shared/config.ts); MCP servers an
 * owner attaches are stored apart (shared/api/mcp.ts) and their tools are named
 * `mcp_<server>_<tool>` for the model.
 */
import { z } from "zod";
import { singleLineText } from "./text.ts";

export const BUILT_IN_TOOLS = [
  "knowledge_search",
  "fetch_page",
  "calculator",
  "current_datetime",
  "capture_contact",
] as const;
export type BuiltInTool = (typeof BUILT_IN_TOOLS)[number];

/** The most results one knowledge_search may ask for (the agent's top_k is the default). */
export const KNOWLEDGE_SEARCH_MAX_TOP_K = 10;

/** Each built-in tool's arguments, as the model must send them. */
export const TOOL_ARGUMENTS = {
  knowledge_search: z
    .object({
      query: z
        .string()
        .min(1)
        .max(500)
        .describe(
          "What to look for, as a short standalone search query in the documents' language",
        ),
      top_k: z
        .number()
        .int()
        .min(1)
        .max(KNOWLEDGE_SEARCH_MAX_TOP_K)
        .optional()
        .describe("How many passages to return (default: the agent's setting)"),
    })
    .strict(),
  fetch_page: z
    .object({
      url: z
        .string()
        .min(1)
        .max(2000)
        .describe("The full http(s) URL of a public web page on one of the allowed websites"),
    })
    .strict(),
  calculator: z
    .object({
      expression: z
        .string()
        .min(1)
        .max(500)
        .describe("An arithmetic expression such as '(12.5 * 4) / 3' or 'sqrt(2) * 10%'"),
    })
    .strict(),
  current_datetime: z
    .object({
      timezone: z
        .string()
        .max(64)
        .optional()
        .describe("An IANA time zone such as 'Europe/Paris' (default: UTC)"),
    })
    .strict(),
  capture_contact: z
    .object({
      name: z.string().max(200).optional().describe("The visitor's name, as they typed it"),
      email: z.string().max(320).optional().describe("The visitor's email, as they typed it"),
      phone: z.string().max(50).optional().describe("The visitor's phone number, as they typed it"),
      note: z
        .string()
        .max(1000)
        .optional()
        .describe("What the visitor wants to be contacted about, in a sentence"),
    })
    .strict(),
} as const satisfies Record<BuiltInTool, z.ZodObject>;

export type ToolArguments<T extends BuiltInTool> = z.infer<(typeof TOOL_ARGUMENTS)[T]>;

/** What the model is told each tool is for (the description sent with its schema). */
export const TOOL_DESCRIPTIONS: Record<BuiltInTool, string> = {
  knowledge_search:
    "Search this agent's knowledge base (the owner's documents) and return the most relevant passages, numbered for citation. " +
    "Use it before answering any question the documents may cover; search again with other words if the first results miss.",
  fetch_page:
    "Read a public web page as plain text. Only pages on the websites the owner allowed can be read.",
  calculator:
    "Evaluate an arithmetic expression exactly (numbers, + - * / ^ %, parentheses, sqrt, round, units). Use it for any calculation.",
  current_datetime: "The current date and time, in a given time zone.",
  capture_contact:
    "Save the visitor's contact details for the owner when the visitor asks to be contacted. " +
    "Only pass details the visitor typed in this conversation; ask them first if they have not.",
};

/** How the editor names each tool, and what it tells the owner. */
export const TOOL_LABELS: Record<BuiltInTool, { label: string; help: string }> = {
  knowledge_search: {
    label: "Search knowledge",
    help: "Searches this agent's documents; the answer cites the passages it used.",
  },
  fetch_page: {
    label: "Read web pages",
    help: "Reads public pages on the websites you list (and only those).",
  },
  calculator: { label: "Calculator", help: "Exact arithmetic, so numbers in answers add up." },
  current_datetime: {
    label: "Date and time",
    help: "Lets the agent know today's date and the time.",
  },
  capture_contact: {
    label: "Collect contact details",
    help: "Saves a visitor's name, email or phone when they ask to be contacted; you see it in Conversations.",
  },
};

/** A website the owner allows fetch_page to read: a host name, its subdomains included. */
export const AllowedDomainSchema = singleLineText()
  .min(1)
  .max(253)
  .transform((d) =>
    d
      .trim()
      .toLowerCase()
      .replace(/^https?:\/\//, "")
      .replace(/\/.*$/, ""),
  )
  .refine((d) => /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d), {
    message: "must be a website's domain name, such as example.com",
  });

const enabled = (byDefault: boolean) => z.boolean().default(byDefault);

/** An agent's tool settings (`execution_config.tools`); the whole object is sent on change. */
export const ToolsConfigSchema = z
  .object({
    knowledge_search: z
      .object({ enabled: enabled(true) })
      .strict()
      .default({ enabled: true }),
    fetch_page: z
      .object({
        enabled: enabled(false),
        allowed_domains: z.array(AllowedDomainSchema).max(50).default([]),
      })
      .strict()
      .default({ enabled: false, allowed_domains: [] }),
    calculator: z
      .object({ enabled: enabled(true) })
      .strict()
      .default({ enabled: true }),
    current_datetime: z
      .object({ enabled: enabled(true) })
      .strict()
      .default({ enabled: true }),
    capture_contact: z
      .object({ enabled: enabled(false) })
      .strict()
      .default({ enabled: false }),
  })
  .strict();
export type ToolsConfig = z.infer<typeof ToolsConfigSchema>;

/** The JSON Schema of a tool's arguments, as the providers' `tools[].function.parameters` want it. */
export function toolParameters(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: "draft-7", io: "input" }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

/** The name an MCP server's tool has for the model: letters, digits, `_` and `-`, at most 64. */
export function mcpToolName(serverId: string, tool: string): string {
  const clean = tool.replace(/[^a-zA-Z0-9_-]/g, "_");
  return `mcp_${serverId.replace(/-/g, "").slice(0, 8)}_${clean}`.slice(0, 64);
}
