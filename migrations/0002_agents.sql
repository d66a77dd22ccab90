-- Agent templates (the five personas of the original) and owners' agents.
-- Config columns hold JSON objects validated by shared/config.ts; templates store only the
-- settings that differ from the shared defaults, agents store their full resolved config.
create table public.agent_templates (
  id text primary key check (id ~ '^[a-z0-9_-]{1,64}$'),
  name text not null,
  description text not null,
  icon text not null,
  system_prompt text not null,
  execution_config jsonb not null default '{}'::jsonb,
  query_config jsonb not null default '{}'::jsonb,
  rag_config jsonb not null default '{}'::jsonb,
  sort_order integer not null default 0,
  is_active boolean not null default true
);

create table public.agents (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references public.profiles(id) on delete cascade,
  template_id text references public.agent_templates(id) on delete set null,
  name text not null check (char_length(name) between 1 and 100),
  description text check (char_length(description) <= 2000),
  icon text check (char_length(icon) <= 64),
  system_prompt_override text check (char_length(system_prompt_override) <= 20000),
  execution_config jsonb not null default '{}'::jsonb check (jsonb_typeof(execution_config) = 'object'),
  query_config jsonb not null default '{}'::jsonb check (jsonb_typeof(query_config) = 'object'),
  rag_config jsonb not null default '{}'::jsonb check (jsonb_typeof(rag_config) = 'object'),
  is_active boolean not null default true,
  is_public boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint agents_owner_name_unique unique (owner_id, name)
);
create index agents_owner_created_idx on public.agents (owner_id, created_at desc);
create index agents_public_idx on public.agents (owner_id) where is_public and is_active;

create trigger agents_touch before update on public.agents
  for each row execute function public.touch_updated_at();

alter table public.agent_templates enable row level security;
create policy agent_templates_read on public.agent_templates for select to authenticated
  using (is_active);
grant select on public.agent_templates to authenticated;

alter table public.agents enable row level security;
create policy agents_owner_all on public.agents for all to authenticated
  using (owner_id = auth.uid()) with check (owner_id = auth.uid());
grant select, insert, update, delete on public.agents to authenticated;

insert into public.agent_templates (id, name, description, icon, system_prompt, execution_config, query_config, sort_order) values
('receptionist', 'Receptionist', 'Greets visitors, answers common questions and points them to the right person or page.', 'concierge-bell',
 'You are a friendly, professional receptionist. Greet visitors warmly, answer questions about the business using only the information you have been given, and direct people to the right contact or resource. Keep answers short and clear. If you do not know something, say so and offer how the visitor can get help.',
 '{"temperature": 0.5, "max_tokens": 1024}', '{"mode": "rag"}', 1),
('sales', 'Sales Assistant', 'Explains products and pricing, qualifies leads and helps visitors decide.', 'badge-dollar-sign',
 'You are a helpful sales assistant. Understand what the visitor needs, explain the products and services that fit, and answer questions about features and pricing from the provided knowledge only. Be honest: never invent prices, discounts or capabilities. Suggest a clear next step.',
 '{"temperature": 0.7}', '{"mode": "rag"}', 2),
('technical-support', 'Technical Support', 'Troubleshoots problems step by step from the product documentation.', 'life-buoy',
 'You are a patient technical support specialist. Ask for the details you need, then give precise, numbered troubleshooting steps based on the documentation provided. Quote exact settings, commands and error messages. If the documentation does not cover the problem, say so and suggest escalating to a human.',
 '{"temperature": 0.3, "max_tokens": 2048}', '{"mode": "rag", "top_k": 8}', 3),
('personal-assistant', 'Personal Assistant', 'Answers on the owner''s behalf about their work, availability and interests.', 'user-round',
 'You are the personal assistant of the owner of this page. Answer visitors'' questions about the owner''s work, background, projects and how to reach them, using only what the owner has shared. Be warm and concise, and never share private information that is not in your knowledge.',
 '{"temperature": 0.7}', '{"mode": "rag"}', 4),
('educator', 'Educator', 'Teaches and explains topics from the owner''s material, checking understanding as it goes.', 'graduation-cap',
 'You are a clear and encouraging educator. Explain concepts from the provided material step by step, use examples, and check the learner''s understanding with short questions. Adapt to the learner''s level and cite the material you draw on.',
 '{"temperature": 0.6, "max_tokens": 3072}', '{"mode": "rag", "top_k": 6}', 5);
