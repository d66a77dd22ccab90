-- Rows that point at other rows must point at rows of the same owner. Row-level security only
-- checks a row's own owner_id and foreign keys look past it, so without these keys an owner could
-- attach a document to another owner's agent, or write into another owner's conversation.
-- Composite keys on (id, owner_id) make the database refuse such a link for every writer.
alter table public.agents add constraint agents_id_owner_unique unique (id, owner_id);
alter table public.documents add constraint documents_id_owner_unique unique (id, owner_id);
alter table public.conversations add constraint conversations_id_owner_unique unique (id, owner_id);

alter table public.document_agents
  drop constraint document_agents_document_id_fkey,
  drop constraint document_agents_agent_id_fkey,
  add constraint document_agents_document_same_owner foreign key (document_id, owner_id)
    references public.documents (id, owner_id) on delete cascade,
  add constraint document_agents_agent_same_owner foreign key (agent_id, owner_id)
    references public.agents (id, owner_id) on delete cascade;

alter table public.conversations
  drop constraint conversations_agent_id_fkey,
  add constraint conversations_agent_same_owner foreign key (agent_id, owner_id)
    references public.agents (id, owner_id) on delete set null (agent_id);

alter table public.messages
  drop constraint messages_conversation_id_fkey,
  add constraint messages_conversation_same_owner foreign key (conversation_id, owner_id)
    references public.conversations (id, owner_id) on delete cascade;
