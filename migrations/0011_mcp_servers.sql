-- MCP servers an owner attaches to an agent (advanced mode's remote tools): the server's
-- streamable HTTP URL, its bearer token encrypted by the Worker (a compact JWE made with
-- MCP_TOKEN_KEY, workers/agent/secret-box.ts; never the token itself), and the tools it listed
-- with the owner's choice of which the agent may call (`tools`: [{name, description,
-- input_schema, enabled}]). `last_error` says why the last listing failed, for the owner.
-- The agent must be the owner's own (composite key on agents (id, owner_id), as in 0005), and
-- deleting the agent removes its servers.
create table public.mcp_servers (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.profiles(id) on delete cascade,
  agent_id uuid not null,
  name text not null check (char_length(name) between 1 and 100),
  url text not null check (char_length(url) between 1 and 2000),
  token_encrypted text check (char_length(token_encrypted) <= 8000),
  tools jsonb not null default '[]'::jsonb check (jsonb_typeof(tools) = 'array'),
  listed_at timestamptz,
  last_error text check (char_length(last_error) <= 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint mcp_servers_agent_same_owner foreign key (agent_id, owner_id)
    references public.agents (id, owner_id) on delete cascade,
  constraint mcp_servers_agent_url_unique unique (agent_id, url)
);
-- The unique key's index (agent_id first) serves every lookup: all are by agent.

create trigger mcp_servers_touch before update on public.mcp_servers
  for each row execute function public.touch_updated_at();

alter table public.mcp_servers enable row level security;
create policy mcp_servers_owner_all on public.mcp_servers for all to authenticated
  using (owner_id = auth.uid()) with check (owner_id = auth.uid());
grant select, insert, update, delete on public.mcp_servers to authenticated;
