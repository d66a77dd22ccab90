/** Hit-testing: what an agent would retrieve for a question, ranked, with scores. */
import { For, Show, createSignal } from "solid-js";
import type { Agent } from "../../../../shared/api/agents.ts";
import { CONFIG_LIMITS, SEARCH_MODES } from "../../../../shared/config.ts";
import { Field } from "../../components/Field.tsx";
import { ApiError, errorMessage } from "../../lib/api.ts";
import { searchAgentKnowledge } from "../api/search.ts";
import type { SearchAnswer } from "../api/search.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";

type Mode = (typeof SEARCH_MODES)[number];
const TOP_K_MAX = 50;

export function HitTestPanel(props: { agents: Agent[] }) {
  const [agentId, setAgentId] = createSignal("");
  const [queryText, setQueryText] = createSignal("");
  const [topK, setTopK] = createSignal(String(CONFIG_LIMITS.topK.default));
  const [mode, setMode] = createSignal<Mode | "">("");
  const [answer, setAnswer] = createSignal<SearchAnswer & { query: string }>();
  const [errors, setErrors] = createSignal<Record<string, string | undefined>>({});
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const chosen = () => agentId() || props.agents[0]?.id || "";

  const run = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    const k = Number(topK());
    const found: Record<string, string> = {};
    if (!chosen()) found.agent = "Choose an agent.";
    if (!queryText().trim()) found.query = "Type a question.";
    if (!Number.isInteger(k) || k < 1 || k > TOP_K_MAX)
      found.top_k = `must be a whole number from 1 to ${TOP_K_MAX}`;
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const q = queryText().trim();
      const result = await searchAgentKnowledge(chosen(), {
        query: q,
        top_k: k,
        ...(mode() ? { mode: mode() as Mode } : {}),
      });
      setAnswer({ ...result, query: q });
    } catch (e) {
      if (e instanceof ApiError)
        setErrors({ query: e.fieldMessage("query"), top_k: e.fieldMessage("top_k") });
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack" aria-labelledby="hit-test-title">
      <h2 id="hit-test-title">Test retrieval</h2>
      <p class="muted">
        See which passages an agent would find for a question, and how well they match.
      </p>
      <form onSubmit={(e) => void run(e)} novalidate class="stack">
        <div class="grid-2">
          <Field label="Agent to test" error={errors().agent}>
            {(attrs) => (
              <select {...attrs} onChange={(e) => setAgentId(e.currentTarget.value)}>
                <For each={props.agents}>
                  {(a) => (
                    <option value={a.id} selected={a.id === chosen()}>
                      {a.name}
                    </option>
                  )}
                </For>
              </select>
            )}
          </Field>
          <Field label="Search mode">
            {(attrs) => (
              <select {...attrs} onChange={(e) => setMode(e.currentTarget.value as Mode | "")}>
                <option value="">The agent's setting</option>
                <For each={SEARCH_MODES}>
                  {(m) => (
                    <option value={m} selected={m === mode()}>
                      {m}
                    </option>
                  )}
                </For>
              </select>
            )}
          </Field>
        </div>
        <Field label="Test question" error={errors().query}>
          {(attrs) => (
            <input
              {...attrs}
              type="search"
              maxlength={2000}
              value={queryText()}
              onInput={(e) => setQueryText(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Results" hint={`1 to ${TOP_K_MAX}`} error={errors().top_k}>
          {(attrs) => (
            <input
              {...attrs}
              type="number"
              min={1}
              max={TOP_K_MAX}
              step={1}
              value={topK()}
              onInput={(e) => setTopK(e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" class="primary" disabled={busy() || !props.agents.length}>
          {busy() ? "Searching…" : "Search"}
        </button>
      </form>
      <ErrorAlert message={error()} />
      <Show when={answer()}>
        {(a) => (
          <div aria-live="polite">
            <p class="muted">
              {a().results.length} passage{a().results.length === 1 ? "" : "s"} for “{a().query}” (
              {a().mode} search); {a().results.filter((h) => h.above_threshold).length} reach the
              agent's similarity threshold ({a().similarity_threshold}) and would be used in a chat.
            </p>
            <Show
              when={a().results.length}
              fallback={<p>Nothing found: is a document assigned to this agent and completed?</p>}
            >
              <ol class="hits">
                <For each={a().results}>
                  {(hit) => (
                    <li class="hit">
                      <div class="row">
                        <strong>{hit.document_name}</strong>
                        <Show when={hit.page !== null}>
                          <span class="muted">page {hit.page}</span>
                        </Show>
                        <Show when={hit.heading_path.length}>
                          <span class="muted">{hit.heading_path.join(" › ")}</span>
                        </Show>
                        <span class="spacer" />
                        <Show when={!hit.above_threshold}>
                          <span
                            class="badge"
                            title="Its relevance is below the agent's similarity threshold: a chat turn leaves it out"
                          >
                            below threshold
                          </span>
                        </Show>
                        <span class="badge" title="Match score">
                          score {hit.score.toFixed(3)}
                        </span>
                      </div>
                      <meter
                        min="0"
                        max="1"
                        value={Math.max(0, Math.min(1, hit.score))}
                        aria-label={`Score of passage from ${hit.document_name}`}
                      />
                      <p class="hit-text">{hit.text}</p>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}
