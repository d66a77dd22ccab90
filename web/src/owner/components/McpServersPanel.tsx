/**
 * An agent's MCP servers, in the Tools section of its form: each attached server with the
 * tools it lists (each switched on one by one: none is on when attached), why its last
 * listing failed if it did, and Refresh / Remove; below, a small form to attach one (URL,
 * optional name and bearer token, checked with the shared CreateMcpServerSchema). It sits
 * inside the agent form, so its buttons are plain buttons and Enter attaches rather than saves.
 */
import RefreshCw from "lucide-solid/icons/refresh-cw";
import Trash from "lucide-solid/icons/trash";
import { For, Show, createResource, createSignal, createUniqueId } from "solid-js";
import { CreateMcpServerSchema } from "../../../../shared/api/mcp.ts";
import type { McpServer } from "../../../../shared/api/mcp.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Field } from "../../components/Field.tsx";
import { ApiError, errorMessage } from "../../lib/api.ts";
import { Badge } from "../../ui/Badge.tsx";
import { Button } from "../../ui/Button.tsx";
import { Toggle } from "../../ui/Toggle.tsx";
import {
  attachMcpServer,
  listMcpServers,
  refreshMcpServer,
  removeMcpServer,
  updateMcpServer,
} from "../api/mcp.ts";
import { ConfirmDialog } from "./ConfirmDialog.tsx";
import { LoadError } from "./LoadError.tsx";
import { formatDate } from "./format.ts";

type AttachField = "url" | "name" | "token";

/** Enter in a box of this panel acts here, not on the agent form around it. */
const onEnter = (act: () => void) => (e: KeyboardEvent) => {
  if (e.key === "Enter") {
    e.preventDefault();
    act();
  }
};

export function McpServersPanel(props: { agentId: string }) {
  const [servers, { mutate, refetch }] = createResource(() => props.agentId, listMcpServers);
  /** Reading a failed resource throws (to the page's error boundary): the error is shown instead. */
  const list = () => (servers.error ? [] : (servers() ?? []));
  const [draft, setDraft] = createSignal<Record<AttachField, string>>({
    url: "",
    name: "",
    token: "",
  });
  const [fieldErrors, setFieldErrors] = createSignal<Partial<Record<AttachField, string>>>({});
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const edit = (field: AttachField, value: string) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setFieldErrors((e) => ({ ...e, [field]: undefined }));
  };
  const replace = (server: McpServer) =>
    mutate((list) => (list ?? []).map((s) => (s.id === server.id ? server : s)));

  const attach = async () => {
    if (busy() || servers.loading) return;
    setError(undefined);
    const d = draft();
    const parsed = CreateMcpServerSchema.safeParse({
      url: d.url.trim(),
      ...(d.name.trim() ? { name: d.name.trim() } : {}),
      ...(d.token.trim() ? { token: d.token.trim() } : {}),
    });
    if (!parsed.success) {
      const found: Partial<Record<AttachField, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === "url" || field === "name" || field === "token")
          found[field] ??= issue.message;
      }
      setFieldErrors(found);
      return;
    }
    setBusy(true);
    try {
      const server = await attachMcpServer(props.agentId, parsed.data);
      mutate((list) => [...(list ?? []), server]);
      setDraft({ url: "", name: "", token: "" });
    } catch (e) {
      const found: Partial<Record<AttachField, string>> = {};
      if (e instanceof ApiError)
        for (const f of e.fields)
          if (f.field === "url" || f.field === "name" || f.field === "token")
            found[f.field] = f.message;
      setFieldErrors(found);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="mcp-panel stack">
      <p class="field-hint">
        Remote tools from a Model Context Protocol server (streamable HTTP). Attach one, then switch
        on the tools this agent may call.
      </p>
      <LoadError what="the MCP servers" error={servers.error} retry={refetch} />
      <Show when={list().length > 0}>
        <ul class="mcp-servers">
          <For each={list()}>
            {(server) => (
              <McpServerCard
                agentId={props.agentId}
                server={server}
                onChange={replace}
                onRemoved={() => mutate((list) => (list ?? []).filter((s) => s.id !== server.id))}
              />
            )}
          </For>
        </ul>
      </Show>
      <div class="mcp-attach card" role="group" aria-label="Attach an MCP server">
        <Field label="Server URL" hint="Its streamable HTTP address." error={fieldErrors().url}>
          {(attrs) => (
            <input
              {...attrs}
              type="url"
              inputmode="url"
              autocomplete="off"
              placeholder="https://mcp.example.com/mcp"
              value={draft().url}
              onInput={(e) => edit("url", e.currentTarget.value)}
              onKeyDown={onEnter(() => void attach())}
            />
          )}
        </Field>
        <div class="grid-2">
          <Field label="Name (optional)" error={fieldErrors().name}>
            {(attrs) => (
              <input
                {...attrs}
                type="text"
                maxlength={100}
                autocomplete="off"
                value={draft().name}
                onInput={(e) => edit("name", e.currentTarget.value)}
                onKeyDown={onEnter(() => void attach())}
              />
            )}
          </Field>
          <Field
            label="Bearer token (optional)"
            hint="Stored encrypted; never shown again."
            error={fieldErrors().token}
          >
            {(attrs) => (
              <input
                {...attrs}
                type="password"
                autocomplete="off"
                value={draft().token}
                onInput={(e) => edit("token", e.currentTarget.value)}
                onKeyDown={onEnter(() => void attach())}
              />
            )}
          </Field>
        </div>
        <ErrorAlert message={error()} />
        <div>
          {/* Not while the list loads: its answer would replace the attached server. */}
          <Button onClick={() => void attach()} disabled={busy() || servers.loading}>
            {busy() ? "Attaching…" : "Attach server"}
          </Button>
        </div>
      </div>
    </div>
  );
}

/** One attached server: its tools' switches, its last error, Refresh and Remove. */
function McpServerCard(props: {
  agentId: string;
  server: McpServer;
  onChange: (server: McpServer) => void;
  onRemoved: () => void;
}) {
  const headingId = createUniqueId();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [confirmRemove, setConfirmRemove] = createSignal(false);
  const s = () => props.server;

  const run = async (action: () => Promise<McpServer>) => {
    setBusy(true);
    setError(undefined);
    try {
      props.onChange(await action());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const setTool = (name: string, on: boolean) => {
    const enabled_tools = s()
      .tools.filter((t) => (t.name === name ? on : t.enabled))
      .map((t) => t.name);
    void run(() => updateMcpServer(props.agentId, s().id, { enabled_tools }));
  };

  return (
    <li class="mcp-server card" aria-labelledby={headingId}>
      <div class="mcp-server-head">
        <div class="mcp-server-title">
          <h4 id={headingId}>{s().name}</h4>
          <span class="muted small mcp-url">{s().url}</span>
          <Show when={s().has_token}>
            <Badge tone="neutral">Token set</Badge>
          </Show>
        </div>
        <div class="row">
          <Button
            size="sm"
            icon={RefreshCw}
            disabled={busy()}
            onClick={() => void run(() => refreshMcpServer(props.agentId, s().id))}
          >
            Refresh
          </Button>
          <Button size="sm" variant="danger" icon={Trash} onClick={() => setConfirmRemove(true)}>
            Remove
          </Button>
        </div>
      </div>
      <Show when={s().last_error}>
        {(why) => (
          <p class="mcp-error">
            <Badge tone="danger">Error</Badge> Its tools could not be listed: {why()}
          </p>
        )}
      </Show>
      <p class="muted small">Tools listed {formatDate(s().listed_at)}</p>
      <Show
        when={s().tools.length > 0}
        fallback={<p class="muted small">This server lists no tools.</p>}
      >
        <ul class="tool-list">
          <For each={s().tools}>
            {(tool) => (
              <li>
                <Toggle
                  label={tool.name}
                  hint={tool.description || undefined}
                  checked={tool.enabled}
                  disabled={busy()}
                  onChange={(on) => setTool(tool.name, on)}
                />
              </li>
            )}
          </For>
        </ul>
      </Show>
      <ErrorAlert message={error()} />
      <Show when={confirmRemove()}>
        <ConfirmDialog
          title={`Remove “${s().name}”?`}
          confirmLabel="Remove server"
          danger
          onClose={() => setConfirmRemove(false)}
          onConfirm={async () => {
            await removeMcpServer(props.agentId, s().id);
            props.onRemoved();
          }}
        >
          <p>The agent stops using its tools at the next message. You can attach it again.</p>
        </ConfirmDialog>
      </Show>
    </li>
  );
}
