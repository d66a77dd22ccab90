-- Owner profiles. The id is the Supabase Auth user id (the JWT `sub`), which is the tenant id.
create table public.profiles (
  id uuid primary key,
  username text not null unique
    check (username ~ '^[a-z0-9_-]{3,30}$')
    check (username not in (
      'api', 'ws', 'settings', 'sign-in', 'sign-up', 'sign-out', 'signin', 'signup', 'login',
      'logout', 'admin', 'docs', 'health', 'openapi', 'openapi.json', 'dashboard', 'agents',
      'knowledge', 'documents', 'conversations', 'profile', 'account', 'assets', 'static',
      'public', 'app', 'www', 'help', 'support', 'about', 'terms', 'privacy', 'nooble', 'root',
      'system', 'null', 'undefined', 'auth', 'dev', 'chat', 'embed', 'widget',
      'reset-password', '404'
    )),
  email text,
  display_name text check (char_length(display_name) <= 80),
  description text check (char_length(description) <= 1000),
  avatar_url text check (char_length(avatar_url) <= 2048),
  social_links jsonb not null default '{}'::jsonb check (jsonb_typeof(social_links) = 'object'),
  is_public boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create or replace function public.touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create trigger profiles_touch before update on public.profiles
  for each row execute function public.touch_updated_at();

alter table public.profiles enable row level security;
create policy profiles_owner_select on public.profiles for select to authenticated
  using (id = auth.uid());
create policy profiles_owner_insert on public.profiles for insert to authenticated
  with check (id = auth.uid());
create policy profiles_owner_update on public.profiles for update to authenticated
  using (id = auth.uid()) with check (id = auth.uid());
grant select, insert, update on public.profiles to authenticated;
