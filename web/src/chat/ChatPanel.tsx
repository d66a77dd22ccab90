/**
 * A chat with one agent: the visitor's (or, with `ownerToken`, the owner's test chat with a
 * private agent). POST /api/v1/chat/init starts a session on the first message; the session
 * (id, token, socket address) is kept per agent so a reload reconnects to it and the
 * server's connection_ack brings the transcript back. Frames are parsed with the shared
 * ServerFrameSchema by the one socket client (lib/socket.ts), which reconnects after a drop;
 * an answer that was streaming is resumed from the last chunk and the last agent step shown.
 *
 * Failures stay visible and recoverable: a refused message goes back into the input with the
 * reason, a failed answer offers "Try again" when the server says it may help, and a session
 * that has ended or expired says so and offers a new conversation.
 */
import { For, Show, createEffect, createSignal, onCleanup, onMount } from "solid-js";
import { ChatInitResponseSchema, DEFAULT_MAX_MESSAGE_CHARS } from "../../../shared/api/chat.ts";
import { ServerFrameSchema, type ParsedServerFrame } from "../../../shared/protocol/chat.ts";
import { buildFrame, type FrameData } from "../../../shared/protocol/frame.ts";
import { api, errorMessage } from "../lib/api.ts";
import { openSocket, type ManagedSocket } from "../lib/socket.ts";
import { Composer } from "./Composer.tsx";
import { createFollowScroll } from "./follow-scroll.ts";
import { MessageList } from "./MessageList.tsx";
import {
  forgetSession,
  loadSession,
  saveSession,
  sessionKey,
  type StoredSession,
} from "./session-store.ts";
import { createTranscript } from "./transcript.ts";
import "./chat.css";

export interface ChatAgent {
  id: string;
  name: string;
  description?: string | null;
  /** The agent's icon (a lucide name), its avatar in the conversation. */
  icon?: string | null;
  /** Known before the chat starts (the public profile): answers quote the documents. */
  quotes_only?: boolean;
}

export interface ChatPanelProps {
  agent: ChatAgent;
  /** The owner's test chat: chat/init carries the owner's bearer token (private agents work). */
  ownerToken?: boolean;
  /** Questions offered before the first message (default: see starterSuggestions). */
  suggestions?: string[];
  /** Whose agent this is, for the default suggestions. */
  ownerName?: string | null;
  /** Heading level of the panel's title (default 2). */
  headingLevel?: 2 | 3;
}

/** Failed connection attempts in a row before asking the server whether the session still exists. */
const CHECK_AFTER_FAILURES = 2;

type Connection = "idle" | "starting" | "connecting" | "open" | "reconnecting" | "ended";

/**
 * Honest starters: what anyone can ask any agent, plus one about the owner when their name is
 * known. Nothing here pretends to know what the agent's documents contain.
 */
export function starterSuggestions(agent: ChatAgent, ownerName?: string | null): string[] {
  const list = ["What can you help me with?", "Which topics do you know the most about?"];
  if (ownerName) list.push(`How can I get in touch with ${ownerName}?`);
  else if (agent.description) list.push("Tell me more about what you do.");
  return list;
}

interface Notice {
  kind: "error" | "info";
  text: string;
  retry?: () => void;
}

export function ChatPanel(props: ChatPanelProps) {
  const key = () => sessionKey(props.agent.id, props.ownerToken === true);
  const transcript = createTranscript();
  const [connection, setConnection] = createSignal<Connection>("idle");
  const [notice, setNotice] = createSignal<Notice | null>(null);
  const [draft, setDraft] = createSignal("");
  /** The server's limit and answer kind, once chat/init (or the stored session) said them. */
  const [maxChars, setMaxChars] = createSignal(DEFAULT_MAX_MESSAGE_CHARS);
  const [initQuotesOnly, setInitQuotesOnly] = createSignal<boolean | undefined>(undefined);
  const quotesOnly = () => initQuotesOnly() ?? props.agent.quotes_only === true;
  let session: StoredSession | null = null;
  let socket: ManagedSocket | null = null;
  let acked = false;
  let everAcked = false;
  let failures = 0;
  /** A message waiting for the socket's connection_ack before it can be sent. */
  let queued: string | null = null;
  let input: HTMLTextAreaElement | undefined;
  let end: HTMLDivElement | undefined;
  let composer: HTMLDivElement | undefined;
  let list: HTMLDivElement | undefined;
  const follow = createFollowScroll({
    end: () => end,
    composer: () => composer,
    answer: () => list?.querySelector<HTMLElement>(".chat-message:last-child.assistant") ?? null,
  });

  /** Sends one client frame, built by the shared builder so its data matches the server's schema. */
  const send = <T extends "chat_message" | "resume">(type: T, data: FrameData<T>) =>
    socket?.send(buildFrame(type, data, { session_id: session?.session_id ?? null })) ?? false;

  const onFrame = (f: ParsedServerFrame) => {
    switch (f.message_type) {
      case "connection_ack": {
        acked = true;
        everAcked = true;
        failures = 0;
        setConnection("open");
        const { resume, unsent } = transcript.acknowledge(f.data);
        if (resume) send("resume", resume);
        if (queued !== null) {
          const text = queued;
          queued = null;
          transcript.addPending(text);
          send("chat_message", { content: text });
        } else if (unsent) {
          if (!draft()) setDraft(unsent);
          setNotice({
            kind: "error",
            text: "Your last message did not reach the server. It is back in the box below: send it again.",
          });
        }
        return;
      }
      case "chat_processing":
        transcript.processing(f.data.task_id, f.data.attempt);
        return;
      case "chat_streaming": {
        const gap = f.task_id ? transcript.chunk(f.task_id, f.data) : null;
        if (gap) send("resume", gap);
        return;
      }
      case "agent_step":
        transcript.step(f.data);
        return;
      case "chat_response":
        if (f.task_id) transcript.respond(f.task_id, f.data);
        return;
      case "chat_error":
        transcript.fail(f.task_id ?? null, f.data);
        return;
      case "error": {
        const text = transcript.rejectPending();
        if (text !== null) {
          if (!draft()) setDraft(text);
        } else if (f.task_id) {
          transcript.fail(f.task_id, {
            code: f.data.code,
            message: "This answer could not be recovered.",
            retry_possible: true,
          });
          return;
        }
        setNotice({ kind: "error", text: f.data.message });
        return;
      }
      case "pong":
        return;
    }
  };

  /** After repeated failures to connect: is the session still there? A gone one is not retried forever. */
  const checkSession = async (s: StoredSession) => {
    let gone = false;
    try {
      const res = await fetch(`/api/v1/chat/${encodeURIComponent(s.session_id)}/status`, {
        headers: { accept: "application/json", authorization: `Bearer ${s.session_token}` },
      });
      if (res.status === 401 || res.status === 404 || res.status === 410) gone = true;
      else if (res.ok) gone = ((await res.json()) as { is_active?: boolean }).is_active === false;
    } catch {
      return; // offline: keep trying to reconnect
    }
    if (gone && session === s) sessionGone();
  };

  const sessionGone = () => {
    socket?.close();
    socket = null;
    session = null;
    forgetSession(key());
    if (everAcked) {
      setConnection("ended");
      setNotice({
        kind: "info",
        text: "This conversation has ended. Start a new one to keep chatting.",
      });
    } else {
      transcript.clear();
      setConnection("idle");
      setNotice({
        kind: "info",
        text: "Your earlier conversation has expired, so this is a new one.",
      });
    }
  };

  const connect = (s: StoredSession) => {
    session = s;
    if (s.max_message_chars !== undefined) setMaxChars(s.max_message_chars);
    if (s.quotes_only !== undefined) setInitQuotesOnly(s.quotes_only);
    acked = false;
    failures = 0;
    socket?.close();
    setConnection("connecting");
    socket = openSocket({
      url: () => `${s.websocket_url}?token=${encodeURIComponent(s.session_token)}`,
      schema: ServerFrameSchema,
      onFrame,
      onInvalid: (raw, error) =>
        console.warn("chat: a frame did not match the protocol", raw, error),
      onStatus: (status) => {
        if (session !== s) return;
        if (status === "reconnecting") {
          acked = false;
          failures++;
          setConnection("reconnecting");
          if (failures >= CHECK_AFTER_FAILURES) void checkSession(s);
        } else if (status === "connecting" || status === "open") {
          if (!acked) setConnection("connecting");
        }
      },
      shouldReconnect: (event) => {
        // The server closes with 1000 "session ended" when the conversation is over (idle, deleted).
        if (event.code === 1000 && event.reason === "session ended") {
          queueMicrotask(sessionGone);
          return false;
        }
        return true;
      },
    });
  };

  const start = async (): Promise<boolean> => {
    setConnection("starting");
    try {
      const init = await api("/api/v1/chat/init", {
        method: "POST",
        body: { agent_id: props.agent.id },
        auth: props.ownerToken === true,
        schema: ChatInitResponseSchema,
      });
      const s: StoredSession = {
        session_id: init.session_id,
        session_token: init.session_token,
        websocket_url: init.websocket_url,
        expires_at: init.expires_at,
        ...(init.max_message_chars !== undefined
          ? { max_message_chars: init.max_message_chars }
          : {}),
        ...(init.quotes_only !== undefined ? { quotes_only: init.quotes_only } : {}),
      };
      saveSession(key(), s);
      connect(s);
      return true;
    } catch (err) {
      setConnection("idle");
      setNotice({ kind: "error", text: `The chat could not start: ${errorMessage(err)}` });
      return false;
    }
  };

  const sendMessage = async (raw: string) => {
    const text = raw.trim();
    if (!text || transcript.busy() || connection() === "starting") return;
    if (text.length > maxChars()) return; // the composer says why; never trimmed
    setNotice(null);
    setDraft("");
    queueMicrotask(() => follow.sent());
    if (!session) {
      transcript.addPending(text);
      if (!(await start())) {
        transcript.rejectPending();
        setDraft(text);
        return;
      }
      // The pending message is replaced by the ack's transcript and sent again from `queued`.
      queued = text;
      return;
    }
    if (acked && send("chat_message", { content: text })) {
      transcript.addPending(text);
    } else {
      transcript.addPending(text);
      queued = text;
    }
  };

  const retry = (answerKey: string) => {
    const question = transcript.questionBefore(answerKey);
    if (question) void sendMessage(question);
  };

  const newConversation = () => {
    const old = session;
    socket?.close();
    socket = null;
    session = null;
    queued = null;
    acked = false;
    everAcked = false;
    forgetSession(key());
    transcript.clear();
    setNotice(null);
    setConnection("idle");
    if (old) {
      // Ends the old conversation on the server (it shows as ended in the owner's CRM).
      void fetch(`/api/v1/chat/${encodeURIComponent(old.session_id)}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${old.session_token}` },
      }).catch(() => undefined);
    }
    input?.focus();
  };

  onMount(() => {
    const stored = loadSession(key());
    if (stored) connect(stored);
  });
  onCleanup(() => {
    session = null;
    socket?.close();
  });

  // Follow the answer as it streams (follow-scroll.ts says when), once the page has laid it out.
  createEffect(() => {
    const last = transcript.state.messages.at(-1);
    void last?.content;
    void last?.status;
    void last?.sources.length;
    void transcript.state.messages.length;
    requestAnimationFrame(() => follow.update());
  });
  onMount(() => {
    const onScroll = (e: Event) => follow.scrolled(e.target);
    document.addEventListener("scroll", onScroll, { passive: true, capture: true });
    onCleanup(() => document.removeEventListener("scroll", onScroll, { capture: true }));
  });

  const Heading = (p: { children: string }) =>
    props.headingLevel === 3 ? (
      <h3 class="chat-title">{p.children}</h3>
    ) : (
      <h2 class="chat-title">{p.children}</h2>
    );
  const empty = () => transcript.state.messages.length === 0;
  const suggestions = () => props.suggestions ?? starterSuggestions(props.agent, props.ownerName);

  return (
    <section class="chat-panel" aria-label={`Chat with ${props.agent.name}`}>
      <header class="chat-header">
        <div>
          <Heading>
            {props.ownerToken ? `Test chat: ${props.agent.name}` : `Chat with ${props.agent.name}`}
          </Heading>
          <Show when={props.agent.description}>
            <p class="muted chat-description">{props.agent.description}</p>
          </Show>
          <Show when={quotesOnly()}>
            <p class="chat-quotes-label">
              Answers quote the documents directly: no language model is configured.
            </p>
          </Show>
        </div>
        <Show when={!empty() || connection() !== "idle"}>
          <button type="button" class="small-button" onClick={newConversation}>
            New conversation
          </button>
        </Show>
      </header>

      <div class="chat-conversation" ref={list}>
        <Show
          when={!empty()}
          fallback={
            <p class="muted chat-empty">
              Ask {props.agent.name} anything. Answers come with the sources they are based on.
            </p>
          }
        >
          <MessageList
            messages={transcript.state.messages}
            agentName={props.agent.name}
            agentIcon={props.agent.icon}
            onRetry={retry}
          />
        </Show>
        <Show when={empty() && !transcript.busy() && connection() !== "ended"}>
          <div class="chat-suggestions" role="group" aria-label="Suggested questions">
            <For each={suggestions()}>
              {(s) => (
                <button type="button" class="suggestion" onClick={() => void sendMessage(s)}>
                  {s}
                </button>
              )}
            </For>
          </div>
        </Show>
        <div class="chat-end" ref={end} />
      </div>

      <div class="chat-composer" ref={composer}>
        <Show when={!follow.atBottom() && !empty()}>
          <button type="button" class="button secondary sm chat-jump" onClick={follow.jump}>
            Jump to latest
          </button>
        </Show>
        <div class="chat-status" role="status">
          <Show when={connection() === "reconnecting"}>Connection lost. Reconnecting…</Show>
          <Show when={connection() === "starting" || (connection() === "connecting" && !everAcked)}>
            Connecting…
          </Show>
        </div>

        <Show when={notice()}>
          {(n) => (
            <div class={`chat-notice ${n().kind}`} role={n().kind === "error" ? "alert" : "status"}>
              <span>{n().text}</span>
              <button
                type="button"
                class="small-button"
                onClick={() => setNotice(null)}
                aria-label="Dismiss this message"
              >
                Dismiss
              </button>
            </div>
          )}
        </Show>
        <Show
          when={connection() !== "ended"}
          fallback={
            <button type="button" class="button primary" onClick={newConversation}>
              Start a new conversation
            </button>
          }
        >
          <Composer
            id={`chat-input-${props.agent.id}`}
            agentName={props.agent.name}
            draft={draft()}
            onDraft={setDraft}
            onSend={(text) => void sendMessage(text)}
            maxChars={maxChars()}
            busy={transcript.busy() || connection() === "starting"}
            ref={(el) => (input = el)}
          />
        </Show>
      </div>
    </section>
  );
}
