-- Documents (the knowledge base's files), their assignment to agents, conversations and
-- messages. The ingestion and chat issues fill them; the tables and their policies live here
-- so tenancy and row-level security are decided once.
create table public.documents (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.profiles(id) on delete cascade,
  name text not null check (char_length(name) between 1 and 500),
  content_type text not null,
  size_bytes bigint not null default 0 check (size_bytes >= 0),
  source_url text,
  r2_key text,
  collection_id text,
  status text not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  error text,
  chunk_count integer not null default 0 check (chunk_count >= 0),
  rag_config jsonb not null default '{}'::jsonb,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index documents_owner_created_idx on public.documents (owner_id, created_at desc);
create trigger documents_touch before update on public.documents
  for each row execute function public.touch_updated_at();

create table public.document_agents (
  document_id uuid not null references public.documents(id) on delete cascade,
  agent_id uuid not null references public.agents(id) on delete cascade,
  owner_id uuid not null references public.profiles(id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (document_id, agent_id)
);
create index document_agents_agent_idx on public.document_agents (agent_id);

create table public.conversations (
  id uuid primary key,
  owner_id uuid not null references public.profiles(id) on delete cascade,
  agent_id uuid references public.agents(id) on delete set null,
  session_id text not null,
  visitor_id text,
  visitor_user_agent text,
  visitor_country text,
  visitor_referrer text,
  is_active boolean not null default true,
  message_count integer not null default 0,
  started_at timestamptz not null default now(),
  last_message_at timestamptz,
  ended_at timestamptz,
  metadata jsonb not null default '{}'::jsonb
);
create index conversations_owner_started_idx on public.conversations (owner_id, started_at desc);
create index conversations_agent_idx on public.conversations (agent_id);

create table public.messages (
  id uuid primary key,
  conversation_id uuid not null references public.conversations(id) on delete cascade,
  owner_id uuid not null references public.profiles(id) on delete cascade,
  role text not null check (role in ('user', 'assistant', 'system')),
  content text not null,
  seq integer not null,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index messages_conversation_seq_idx on public.messages (conversation_id, seq);

alter table public.documents enable row level security;
create policy documents_owner_all on public.documents for all to authenticated
  using (owner_id = auth.uid()) with check (owner_id = auth.uid());
alter table public.document_agents enable row level security;
create policy document_agents_owner_all on public.document_agents for all to authenticated
  using (owner_id = auth.uid()) with check (owner_id = auth.uid());
alter table public.conversations enable row level security;
create policy conversations_owner_all on public.conversations for all to authenticated
  using (owner_id = auth.uid()) with check (owner_id = auth.uid());
alter table public.messages enable row level security;
create policy messages_owner_all on public.messages for all to authenticated
  using (owner_id = auth.uid()) with check (owner_id = auth.uid());
grant select, insert, update, delete on public.documents, public.document_agents,
  public.conversations, public.messages to authenticated;
