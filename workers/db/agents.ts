/**
 * Agents and templates. Every agent query takes the tenant id first and filters by it, so an
 * id of another tenant simply finds nothing (the API answers 404).
 */
import type { Sql, TransactionSql } from "postgres";
import { z } from "zod";
import { ExecutionConfigSchema, QueryConfigSchema, RAGConfigSchema } from "../../shared/config.ts";
import type { ExecutionConfig, QueryConfig, RAGConfig } from "../../shared/config.ts";
import type { Agent, AgentTemplate } from "../../shared/api/agents.ts";
import { PG_UNIQUE_VIOLATION, isPgError } from "./client.ts";
import { AppError } from "../errors.ts";

interface AgentRow {
  id: string;
  owner_id: string;
  template_id: string | null;
  name: string;
  description: string | null;
  icon: string | null;
  system_prompt_override: string | null;
  execution_config: unknown;
  query_config: unknown;
  rag_config: unknown;
  is_active: boolean;
  is_public: boolean;
  created_at: Date;
  updated_at: Date;
}

/** Stored configs are re-read through the shared schemas, so defaults added later apply. */
function toAgent(r: AgentRow): Agent {
  return {
    ...r,
    execution_config: ExecutionConfigSchema.parse(r.execution_config),
    query_config: QueryConfigSchema.parse(r.query_config),
    rag_config: RAGConfigSchema.parse(r.rag_config),
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

export const nameTaken = (name: string) =>
  new AppError(
    "AGENT_NAME_TAKEN",
    409,
    `You already have an agent named "${name}". Choose another name.`,
    [{ field: "name", message: "already used by another of your agents" }],
  );

export interface AgentWrite {
  template_id: string | null;
  name: string;
  description: string | null;
  icon: string | null;
  system_prompt_override: string | null;
  execution_config: ExecutionConfig;
  query_config: QueryConfig;
  rag_config: RAGConfig;
  is_active: boolean;
  is_public: boolean;
}

export async function listAgents(
  sql: Sql,
  tenantId: string,
  opts: { search?: string | undefined; limit: number; offset: number },
): Promise<{ agents: Agent[]; total: number }> {
  const search = opts.search ? `%${opts.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const filter = search ? sql`and (name ilike ${search} or description ilike ${search})` : sql``;
  const rows = await sql<(AgentRow & { total: number })[]>`
    select *, count(*) over ()::int as total from agents
    where owner_id = ${tenantId} ${filter}
    order by created_at desc, id limit ${opts.limit} offset ${opts.offset}`;
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && opts.offset > 0) {
    const [c] = await sql<
      { n: number }[]
    >`select count(*)::int as n from agents where owner_id = ${tenantId} ${filter}`;
    total = c?.n ?? 0;
  }
  return { agents: rows.map(({ total: _t, ...r }) => toAgent(r)), total };
}

export async function getAgent(
  sql: Sql | TransactionSql,
  tenantId: string,
  agentId: string,
  forUpdate = false,
): Promise<Agent | null> {
  const lock = forUpdate ? sql`for update` : sql``;
  const [row] = await sql<
    AgentRow[]
  >`select * from agents where owner_id = ${tenantId} and id = ${agentId} ${lock}`;
  return row ? toAgent(row) : null;
}

export async function insertAgent(
  sql: Sql | TransactionSql,
  tenantId: string,
  a: AgentWrite,
): Promise<Agent> {
  try {
    const [row] = await sql<AgentRow[]>`
      insert into agents (owner_id, template_id, name, description, icon, system_prompt_override,
        execution_config, query_config, rag_config, is_active, is_public)
      values (${tenantId}, ${a.template_id}, ${a.name}, ${a.description}, ${a.icon}, ${a.system_prompt_override},
        ${sql.json(a.execution_config)}, ${sql.json(a.query_config)}, ${sql.json(a.rag_config)}, ${a.is_active}, ${a.is_public})
      returning *`;
    if (!row) throw new Error("insert returned no row");
    return toAgent(row);
  } catch (err) {
    if (isPgError(err, PG_UNIQUE_VIOLATION, "agents_owner_name_unique")) throw nameTaken(a.name);
    throw err;
  }
}

export async function updateAgent(
  sql: Sql | TransactionSql,
  tenantId: string,
  agentId: string,
  a: AgentWrite,
): Promise<Agent | null> {
  try {
    const [row] = await sql<AgentRow[]>`
      update agents set name = ${a.name}, description = ${a.description}, icon = ${a.icon},
        system_prompt_override = ${a.system_prompt_override}, execution_config = ${sql.json(a.execution_config)},
        query_config = ${sql.json(a.query_config)}, rag_config = ${sql.json(a.rag_config)},
        is_active = ${a.is_active}, is_public = ${a.is_public}
      where owner_id = ${tenantId} and id = ${agentId} returning *`;
    return row ? toAgent(row) : null;
  } catch (err) {
    if (isPgError(err, PG_UNIQUE_VIOLATION, "agents_owner_name_unique")) throw nameTaken(a.name);
    throw err;
  }
}

export async function deleteAgent(sql: Sql, tenantId: string, agentId: string): Promise<boolean> {
  const rows =
    await sql`delete from agents where owner_id = ${tenantId} and id = ${agentId} returning id`;
  return rows.length > 0;
}

/**
 * Copies an agent (settings and document assignments) under a free name: "<name> (copy)",
 * "<name> (copy 2)", ... in one transaction. The copy starts private.
 */
export async function duplicateAgent(
  sql: Sql,
  tenantId: string,
  agentId: string,
  requestedName?: string,
): Promise<Agent | null> {
  return sql.begin(async (tx) => {
    // One owner's copies are named one at a time (a lock on their profile row), so simultaneous
    // duplicates see each other's names instead of all choosing "<name> (copy)".
    await tx`select 1 from profiles where id = ${tenantId} for no key update`;
    const source = await getAgent(tx, tenantId, agentId);
    if (!source) return null;
    const taken = new Set(
      (await tx<{ name: string }[]>`select name from agents where owner_id = ${tenantId}`).map(
        (r) => r.name,
      ),
    );
    let name = requestedName;
    if (name === undefined) {
      const stem = source.name.slice(0, 88);
      name = `${stem} (copy)`;
      for (let i = 2; taken.has(name); i++) name = `${stem} (copy ${i})`;
    } else if (taken.has(name)) {
      throw nameTaken(name);
    }
    const copy = await insertAgent(tx, tenantId, { ...source, name, is_public: false });
    await tx`
      insert into document_agents (document_id, agent_id, owner_id)
      select document_id, ${copy.id}, owner_id from document_agents
      where owner_id = ${tenantId} and agent_id = ${source.id}`;
    return copy;
  });
}

interface TemplateRow {
  id: string;
  name: string;
  description: string;
  icon: string;
  system_prompt: string;
  /** text[] read as jsonb: an array on every driver path (the local one reads arrays as "{…}" text). */
  sample_questions: unknown;
  execution_config: unknown;
  query_config: unknown;
  rag_config: unknown;
}

/** Templates store only what differs from the defaults; the model they name none of is this server's default (`defaultModel`). */
function toTemplate(r: TemplateRow, model: string): AgentTemplate {
  const stored =
    typeof r.execution_config === "object" && r.execution_config !== null ? r.execution_config : {};
  return {
    ...r,
    sample_questions: z.array(z.string()).parse(r.sample_questions),
    execution_config: ExecutionConfigSchema.parse({ model, ...stored }),
    query_config: QueryConfigSchema.parse(r.query_config),
    rag_config: RAGConfigSchema.parse(r.rag_config),
  };
}

export async function listTemplates(sql: Sql, model: string): Promise<AgentTemplate[]> {
  const rows = await sql<TemplateRow[]>`
    select id, name, description, icon, system_prompt, to_jsonb(sample_questions) as sample_questions,
      execution_config, query_config, rag_config
    from agent_templates where is_active order by sort_order, id`;
  return rows.map((r) => toTemplate(r, model));
}

export async function getTemplate(
  sql: Sql,
  templateId: string,
  model: string,
): Promise<AgentTemplate | null> {
  const [row] = await sql<TemplateRow[]>`
    select id, name, description, icon, system_prompt, to_jsonb(sample_questions) as sample_questions,
      execution_config, query_config, rag_config
    from agent_templates where is_active and id = ${templateId}`;
  return row ? toTemplate(row, model) : null;
}

/** The chunk settings (rag_config) of the tenant's agents among `agentIds`; others are left out. */
export async function agentChunking(
  sql: Sql | TransactionSql,
  tenantId: string,
  agentIds: string[],
): Promise<{ chunk_size: number; chunk_overlap: number }[]> {
  if (agentIds.length === 0) return [];
  const rows = await sql<
    { rag_config: unknown }[]
  >`select rag_config from agents where owner_id = ${tenantId} and id in ${sql(agentIds)}`;
  return rows.map((r) => {
    const { chunk_size, chunk_overlap } = RAGConfigSchema.parse(r.rag_config);
    return { chunk_size, chunk_overlap };
  });
}
