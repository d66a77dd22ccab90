-- The one public read path. Anonymous callers (Supabase's anon key) may read the display
-- fields of public profiles and the id/name/description/icon of their public, active agents;
-- never a system prompt, a config, a private agent or any other table.
-- These views run with their owner's rights (they bypass the tables' row-level security) and
-- filter themselves; security_barrier keeps callers' predicates from running before the filter.
create view public.public_profiles with (security_barrier = true) as
  select p.username, p.display_name, p.description, p.avatar_url, p.social_links
  from public.profiles p
  where p.is_public;

create view public.public_agents with (security_barrier = true) as
  select a.id, p.username, a.name, a.description, a.icon, a.created_at
  from public.agents a
  join public.profiles p on p.id = a.owner_id
  where a.is_public and a.is_active and p.is_public;

revoke all on public.profiles, public.agents, public.agent_templates, public.documents,
  public.document_agents, public.conversations, public.messages from anon;
grant select on public.public_profiles, public.public_agents to anon, authenticated;
