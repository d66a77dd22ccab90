-- The owner's usage per day (GET /api/v1/stats) counts messages by owner and creation time; without
-- this index that meant reading every message of every conversation the owner has.
create index messages_owner_created_idx on public.messages (owner_id, created_at);
