/**
 * `/{username}`: an owner's public page. Header (avatar, name, bio, social links), the
 * owner's public agents, and a chat with the one the visitor picks (kept in `?agent=` so a
 * reload or a shared link opens the same chat). An unknown username is the 404 page.
 * This chunk (and the chat) is all a visitor downloads besides the app shell: no owner pages,
 * no Supabase client.
 */
import { A, useParams, useSearchParams } from "@solidjs/router";
import { For, Match, Show, Switch, createEffect, createMemo, createResource } from "solid-js";
import {
  PublicProfileSchema,
  type PublicAgent,
  type PublicProfile,
} from "../../../shared/api/profile.ts";
import { ChatPanel } from "../chat/ChatPanel.tsx";
import { AgentIcon } from "../ui/AgentIcon.tsx";
import { ApiError, api, errorMessage } from "../lib/api.ts";
import { NotFound } from "../pages/NotFound.tsx";
import { ProfileHeader, displayName } from "./ProfileHeader.tsx";
import "./public.css";

async function fetchProfile(username: string): Promise<PublicProfile | null> {
  try {
    return await api(`/api/v1/public/profiles/${encodeURIComponent(username)}`, {
      auth: false,
      schema: PublicProfileSchema,
    });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

function AgentPicker(props: {
  agents: PublicAgent[];
  selected: string | undefined;
  onSelect: (id: string) => void;
}) {
  return (
    <ul class="agent-picker">
      <For each={props.agents}>
        {(agent) => (
          <li>
            <button
              type="button"
              class="agent-choice"
              aria-pressed={props.selected === agent.id}
              onClick={() => props.onSelect(agent.id)}
            >
              <AgentIcon name={agent.icon} size={40} />
              <span class="agent-choice-text">
                <span class="agent-choice-name">{agent.name}</span>
                <Show when={agent.description}>
                  <span class="agent-choice-description">{agent.description}</span>
                </Show>
              </span>
            </button>
          </li>
        )}
      </For>
    </ul>
  );
}

export default function PublicProfilePage() {
  const params = useParams<{ username: string }>();
  const [search, setSearch] = useSearchParams<{ agent?: string }>();
  const [profile, { refetch }] = createResource(() => params.username, fetchProfile);

  const agents = () => profile()?.agents ?? [];
  /** The chosen agent: `?agent=`, or the only one when there is just one. */
  const selected = createMemo(() => {
    const list = agents();
    return list.find((a) => a.id === search.agent) ?? (list.length === 1 ? list[0] : undefined);
  });

  createEffect(() => {
    const p = profile();
    if (p) document.title = `${displayName(p)} · Nooble`;
  });

  return (
    <Switch>
      <Match when={profile.error}>
        <main class="container" id="main">
          <h1>This page could not load</h1>
          <p class="error" role="alert">
            {errorMessage(profile.error)}
          </p>
          <button type="button" onClick={() => void refetch()}>
            Try again
          </button>
        </main>
      </Match>
      <Match when={profile.loading}>
        <main class="container" id="main" aria-busy="true">
          <p class="muted">Loading…</p>
        </main>
      </Match>
      <Match when={profile() === null}>
        <NotFound
          what={`There is no public page for “${params.username}”. Check the address, or the page may have been made private.`}
        />
      </Match>
      <Match when={profile()}>
        {(p) => (
          <main class="container public-page" id="main">
            <ProfileHeader profile={p()} />
            <Show
              when={agents().length > 0}
              fallback={<p class="muted">{displayName(p())} has no public agents yet.</p>}
            >
              <div class="public-layout">
                <section class="public-agents" aria-labelledby="agents-title">
                  <h2 id="agents-title">Agents</h2>
                  <AgentPicker
                    agents={agents()}
                    selected={selected()?.id}
                    onSelect={(id) => setSearch({ agent: id })}
                  />
                </section>
                <div class="public-chat">
                  <Show
                    when={selected()}
                    keyed
                    fallback={<p class="muted public-pick">Pick an agent to start chatting.</p>}
                  >
                    {(agent) => <ChatPanel agent={agent} ownerName={p().display_name} />}
                  </Show>
                </div>
              </div>
            </Show>
            <footer class="public-footer muted">
              Answers are written by software from {displayName(p())}'s documents and can be wrong:
              check the cited sources. Made with <A href="/">Nooble</A>.
            </footer>
          </main>
        )}
      </Match>
    </Switch>
  );
}
