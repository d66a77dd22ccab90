/**
 * The landing page: what Nooble does at a glance, the three steps, and an example of the public
 * page a visitor sees (a static illustration drawn with the public page's and the chat's own
 * styles, labelled as an example), leading to sign-in, or to the dashboard when signed in.
 * It is in the app's first chunk, so it stays plain markup with a few icons.
 */
import Bot from "lucide-solid/icons/bot";
import FileText from "lucide-solid/icons/file-text";
import Share2 from "lucide-solid/icons/share-2";
import { A } from "@solidjs/router";
import { For, Show, onMount } from "solid-js";
import { Dynamic } from "solid-js/web";
import { user } from "../lib/auth.ts";
import { Badge } from "../ui/Badge.tsx";
import { ButtonLink } from "../ui/Button.tsx";
import "../chat/chat.css";
import "../public/public.css";
import "./home.css";

const STEPS = [
  {
    icon: Bot,
    title: "Create an agent",
    text: "Pick a template (receptionist, sales, support…) or start from scratch, and say how it should talk.",
  },
  {
    icon: FileText,
    title: "Give it your documents",
    text: "Upload PDFs, Word files, web pages or text. It answers from them, and says so when they do not cover a question.",
  },
  {
    icon: Share2,
    title: "Publish and share",
    text: "Your agents live on your own public page. Share the link; every conversation shows up in your dashboard.",
  },
];

export function Home() {
  onMount(() => {
    document.title = "Nooble · agents that answer from your knowledge";
  });
  const cta = () =>
    user() ? (
      <ButtonLink href="/dashboard" variant="primary">
        Open your dashboard
      </ButtonLink>
    ) : (
      <ButtonLink href="/sign-in" variant="primary">
        Sign in to start
      </ButtonLink>
    );
  return (
    <div class="home">
      <header class="home-bar">
        <div class="container home-bar-inner">
          <span class="brand">Nooble</span>
          <nav aria-label="Site" class="home-nav">
            <a href="/docs">API</a>
            <Show when={user()} fallback={<A href="/sign-in">Sign in</A>}>
              <A href="/dashboard">Dashboard</A>
            </Show>
          </nav>
        </div>
      </header>
      <main id="main" class="container home-main">
        <section class="hero" aria-labelledby="hero-title">
          <div class="hero-text">
            <h1 id="hero-title">An assistant on your website that answers from your documents</h1>
            <p class="lead">
              Nooble turns your PDFs, pages and notes into an AI agent your visitors can chat with.
              Every answer cites the document it came from, and you read every conversation.
            </p>
            <div class="row">
              {cta()}
              <a class="button secondary" href="#how">
                How it works
              </a>
            </div>
          </div>
          <figure class="example" aria-labelledby="example-caption">
            <figcaption id="example-caption">
              <Badge tone="info">Example</Badge> What a visitor sees on your public page
            </figcaption>
            <div class="example-page">
              <div class="profile-header example-profile">
                <span class="profile-avatar" aria-hidden="true">
                  R
                </span>
                <div class="profile-text">
                  <p class="profile-name">Rosa's Bakery</p>
                  <p class="muted profile-username">@rosas-bakery</p>
                </div>
              </div>
              <div class="chat-panel example-chat">
                <p class="chat-title">Ask Rosa's Bakery</p>
                <ol class="chat-messages" aria-label="Example conversation">
                  <li class="chat-message user">
                    <p class="chat-bubble">Do you have gluten-free bread on Saturdays?</p>
                  </li>
                  <li class="chat-message assistant">
                    <div class="chat-bubble">
                      <div class="markdown">
                        <p>
                          Yes: gluten-free loaves are baked on Friday evenings and sold on Saturday
                          from 8 am until they run out <span class="cite-ref">[1]</span>.
                        </p>
                      </div>
                      <div class="citations">
                        <p class="citations-title">Sources</p>
                        <p class="example-source">
                          <span class="cite-num">[1]</span> weekly-menu.pdf, page 2
                        </p>
                      </div>
                    </div>
                  </li>
                </ol>
              </div>
            </div>
          </figure>
        </section>

        <section id="how" class="how" aria-labelledby="how-title">
          <h2 id="how-title">Three steps, a few minutes</h2>
          <ol class="how-steps">
            <For each={STEPS}>
              {(step, i) => (
                <li class="card how-step">
                  <span class="agent-icon" aria-hidden="true">
                    <Dynamic component={step.icon} size={22} />
                  </span>
                  <h3>
                    <span class="how-num">{i() + 1}.</span> {step.title}
                  </h3>
                  <p>{step.text}</p>
                </li>
              )}
            </For>
          </ol>
          <div class="row how-cta">{cta()}</div>
        </section>
      </main>
    </div>
  );
}
