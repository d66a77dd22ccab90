-- documents.metadata becomes the owner's: what a client sends with an upload (`metadata` on
-- POST /api/v1/ingest), shown by the documents API. The ingestion job id kept in it so far is
-- bookkeeping, not the owner's data, and moves to its own column so a client's keys can never
-- overwrite it (a job only writes to the row that still names it). conversations.metadata
-- (0003) already exists and now receives chat/init's `metadata`; row-level security on both
-- tables is unchanged (policies cover whole rows).
alter table public.documents add column job_id text;
update public.documents set job_id = metadata->>'job_id', metadata = metadata - 'job_id' where metadata ? 'job_id';
