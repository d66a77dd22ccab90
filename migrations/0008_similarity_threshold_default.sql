-- The similarity threshold now filters passages in every search mode, on an absolute relevance
-- signal (workers/knowledge/relevance.ts), and its default moved from 0.7 to 0.15 (0.7 under the
-- new meaning drops the passages of about half the questions that have an answer). Before, 0.7
-- did nothing in hybrid and full-text search and, in dense search, dropped every passage of the
-- offline embedding, so an agent storing the old default gets the new one. Agents store their
-- full resolved config (0002_agents.sql); templates store no threshold and need nothing.
-- updated_at is left as the owner's last edit: this is not an edit of theirs.
alter table public.agents disable trigger agents_touch;
update public.agents
  set query_config = jsonb_set(query_config, '{similarity_threshold}', '0.15'::jsonb)
  where jsonb_typeof(query_config -> 'similarity_threshold') = 'number'
    and (query_config ->> 'similarity_threshold')::numeric = 0.7;
alter table public.agents enable trigger agents_touch;
