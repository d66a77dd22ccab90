/**
 * The first-run checklist on the overview: five steps from nothing to a shared agent, each
 * done or not from what the API says now (never from clicks on the list itself), each with one
 * action. What counts:
 * 1. Create an agent: the owner has at least one agent.
 * 2. Add knowledge: a document assigned to an agent has reached `completed` (a document no
 *    agent uses does not count; the step says how many are waiting for an agent).
 * 3. Try it: the owner has at least one conversation (the test chat records one, as do visitors).
 * 4. Publish: an agent is public and active, and the profile (which always has a username) is public.
 * 5. Share the link: the owner copied or opened the public page's link from the dashboard
 *    (share-progress.ts: the only step the server cannot see, kept per owner in this browser).
 */
import Check from "lucide-solid/icons/check";
import { A } from "@solidjs/router";
import { For, Show, createSignal, type JSX } from "solid-js";
import type { Agent } from "../../../../shared/api/agents.ts";
import type { DocumentView } from "../../../../shared/api/documents.ts";
import type { Profile } from "../../../../shared/api/profile.ts";
import { errorMessage } from "../../lib/api.ts";
import { Button, ButtonLink } from "../../ui/Button.tsx";
import { updateAgent } from "../api/agents.ts";
import { ShareLink } from "./ShareLink.tsx";

export interface OnboardingState {
  agents: Agent[];
  /** The newest completed documents (a page of them). */
  completed: DocumentView[];
  conversations: number;
  profile: Profile;
  shared: boolean;
}

export interface OnboardingStep {
  id: "agent" | "knowledge" | "try" | "publish" | "share";
  title: string;
  done: boolean;
}

/** The agent the next steps are about: the latest worked on. */
export function focusAgent(agents: Agent[]): Agent | undefined {
  return [...agents].sort((a, b) => b.updated_at.localeCompare(a.updated_at))[0];
}

export function onboardingSteps(s: OnboardingState): OnboardingStep[] {
  const published = s.profile.is_public && s.agents.some((a) => a.is_public && a.is_active);
  return [
    { id: "agent", title: "Create an agent", done: s.agents.length > 0 },
    {
      id: "knowledge",
      title: "Add knowledge it answers from",
      done: s.completed.some((d) => d.agent_ids.length > 0),
    },
    { id: "try", title: "Try it in the test chat", done: s.conversations > 0 },
    { id: "publish", title: "Publish it on your page", done: published },
    { id: "share", title: "Share your page's link", done: s.shared },
  ];
}

export function OnboardingChecklist(props: { state: OnboardingState; onChanged: () => void }) {
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const steps = () => onboardingSteps(props.state);
  const doneCount = () => steps().filter((s) => s.done).length;
  const next = () => steps().find((s) => !s.done)?.id;
  const agent = () => focusAgent(props.state.agents);
  const pageUrl = () => `${location.origin}/${props.state.profile.username}`;
  const unassigned = () => props.state.completed.filter((d) => d.agent_ids.length === 0).length;

  const publish = async (a: Agent) => {
    setBusy(true);
    setError(undefined);
    try {
      await updateAgent(a.id, { is_public: true, is_active: true });
      props.onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const action = (id: OnboardingStep["id"]): JSX.Element => {
    const a = agent();
    switch (id) {
      case "agent":
        return (
          <ButtonLink href="/dashboard/agents/new" variant="primary" size="sm">
            Create an agent
          </ButtonLink>
        );
      case "knowledge":
        return (
          <>
            <ButtonLink
              href={a ? `/dashboard/agents/${a.id}?tab=knowledge` : "/dashboard/knowledge"}
              variant="primary"
              size="sm"
            >
              {a ? `Add a document to ${a.name}` : "Add a document"}
            </ButtonLink>
            <Show when={unassigned()}>
              <p class="small">
                {unassigned()} document{unassigned() === 1 ? " is" : "s are"} ready but used by no
                agent:{" "}
                <A href="/dashboard/knowledge">assign {unassigned() === 1 ? "it" : "them"}</A>.
              </p>
            </Show>
          </>
        );
      case "try":
        return (
          <ButtonLink
            href={a ? `/dashboard/agents/${a.id}` : "/dashboard/agents"}
            variant="primary"
            size="sm"
          >
            Open the test chat
          </ButtonLink>
        );
      case "publish":
        return (
          <Show
            when={props.state.profile.is_public}
            fallback={
              <ButtonLink href="/dashboard/profile" variant="primary" size="sm">
                Make your page public
              </ButtonLink>
            }
          >
            <Show when={a}>
              {(chosen) => (
                <Button
                  variant="primary"
                  size="sm"
                  disabled={busy()}
                  onClick={() => void publish(chosen())}
                >
                  Publish {chosen().name}
                </Button>
              )}
            </Show>
          </Show>
        );
      case "share":
        return <ShareLink url={pageUrl()} />;
    }
  };

  return (
    <section class="card onboarding" aria-labelledby="onboarding-title">
      <div class="onboarding-head">
        <h2 id="onboarding-title">Get your first agent answering</h2>
        <p class="muted small" id="onboarding-progress">
          {doneCount()} of {steps().length} done
        </p>
      </div>
      <progress
        max={steps().length}
        value={doneCount()}
        aria-labelledby="onboarding-title"
        aria-describedby="onboarding-progress"
      />
      <ol class="steps">
        <For each={steps()}>
          {(step, i) => (
            <li
              class={`step${step.done ? " done" : ""}${next() === step.id ? " current" : ""}`}
              aria-current={next() === step.id ? "step" : undefined}
            >
              <span class="step-mark" aria-hidden="true">
                {step.done ? <Check size={16} /> : i() + 1}
              </span>
              <div class="step-body">
                <h3>
                  {step.title}
                  <span class="visually-hidden">{step.done ? " (done)" : " (to do)"}</span>
                </h3>
                <Show when={next() === step.id}>
                  <div class="step-action">{action(step.id)}</div>
                </Show>
              </div>
            </li>
          )}
        </For>
      </ol>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </section>
  );
}
