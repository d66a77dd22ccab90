-- The contact details a visitor gave an advanced-mode agent (the capture_contact tool), kept on
-- the conversation: the CRM lists, shows and exports them. Only what the visitor typed in the
-- conversation is stored (the tool checks it); a later capture in the same conversation
-- replaces the earlier one, ordered by contact_captured_at so that queue redelivery in any
-- order ends on the latest. Row-level security is unchanged: conversations' policy
-- (0003_knowledge_and_conversations.sql) covers whole rows, so an owner sees only their
-- visitors' contacts.
alter table public.conversations
  add column contact_name text check (char_length(contact_name) between 1 and 200),
  add column contact_email text check (char_length(contact_email) between 3 and 320),
  add column contact_phone text check (char_length(contact_phone) between 1 and 50),
  add column contact_note text check (char_length(contact_note) <= 1000),
  add column contact_captured_at timestamptz,
  add constraint conversations_contact_complete check (
    contact_captured_at is null
    or contact_name is not null or contact_email is not null or contact_phone is not null
  );
