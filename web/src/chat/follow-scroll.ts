/**
 * Keeping a streaming answer in view where the chat scrolls: the page as a whole on the public
 * page (the chat has no inner scroll box of its own, so a phone gives it the whole screen), or
 * the column it sits in (the owner's agent editor):
 * - when the visitor sends, the view goes to the end of the conversation (their message and
 *   the typing indicator), just above the composer that stays at the bottom of the screen;
 * - while the answer streams, the view follows its end only while the visitor is at the
 *   bottom, and never past the answer's first line: a long answer stops scrolling with its
 *   start at the top of the screen, to be read from the beginning;
 * - a visitor who scrolls up is left where they are; `atBottom()` turns false and the chat
 *   offers "Jump to latest" (`jump()`), after which the view follows the end again.
 *
 * The page is measured, not guessed: the end marker's and the answer's positions on screen.
 * Scrolls made here are told apart from the visitor's by where they land.
 */
import { createSignal } from "solid-js";

/** Closer than this to the bottom counts as at the bottom (a line of text). */
const SLACK_PX = 48;
/** Room kept above an answer's first line when following stops at it. */
const TOP_MARGIN_PX = 12;

export interface FollowScrollOptions {
  /** The marker after the last message. */
  end: () => HTMLElement | undefined;
  /** The composer, sticky at the bottom of the screen: what is under it is not in view. */
  composer: () => HTMLElement | undefined;
  /** The answer whose start must stay in view (the last message, while it is an answer). */
  answer: () => HTMLElement | null;
}

/** What scrolls the chat: the nearest ancestor that scrolls its overflow (the owner's editor column), else the page. */
interface Scroller {
  top(): number;
  set(top: number): void;
  /** The visible area's top and bottom on screen. */
  view(): { top: number; bottom: number };
  owns(target: EventTarget | null): boolean;
}

function scrollerOf(el: HTMLElement | undefined): Scroller {
  for (let p = el?.parentElement; p; p = p.parentElement) {
    const overflow = getComputedStyle(p).overflowY;
    if (overflow === "auto" || overflow === "scroll") {
      const box = p;
      return {
        top: () => box.scrollTop,
        set: (top) => box.scrollTo({ top, behavior: "instant" }),
        view: () => {
          const r = box.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom };
        },
        owns: (target) => target === box,
      };
    }
  }
  return {
    top: () => window.scrollY,
    set: (top) => window.scrollTo({ top, behavior: "instant" }),
    view: () => ({ top: 0, bottom: window.innerHeight }),
    owns: (target) => target === document || target === window,
  };
}

export function createFollowScroll(opts: FollowScrollOptions) {
  const [atBottom, setAtBottom] = createSignal(true);
  let following = false;
  /** False after "Jump to latest": the visitor asked for the end, start or not. */
  let keepAnswerStart = true;
  let landing: number | null = null;
  // Found again each time: a layout that changes with the width (the editor's column scrolls
  // only on wide screens) changes what scrolls.
  const scroller = () => scrollerOf(opts.end());

  const viewBottom = () => {
    const view = scroller().view();
    const top = opts.composer()?.getBoundingClientRect().top;
    return top !== undefined && top > view.top && top < view.bottom ? top : view.bottom;
  };
  /** How far the end of the conversation is below the visible area (<= 0: in view). */
  const belowView = () => {
    const end = opts.end();
    return end ? end.getBoundingClientRect().top - viewBottom() : 0;
  };
  const measure = () => setAtBottom(belowView() <= SLACK_PX);

  const scrollBy = (dy: number) => {
    if (dy < 1) return;
    const s = scroller();
    landing = Math.round(s.top() + dy);
    s.set(landing);
  };

  return {
    /** True when the end of the conversation is in view. */
    atBottom,

    /** The visitor sent a message: show the end of the conversation and follow the answer. */
    sent() {
      following = true;
      keepAnswerStart = true;
      scrollBy(belowView() + SLACK_PX / 2);
      measure();
    },

    /** The conversation changed (a chunk, a new message, an answer done): follow if following. */
    update() {
      if (following) {
        const want = belowView() + SLACK_PX / 2;
        const answer = keepAnswerStart ? opts.answer() : null;
        const room = answer
          ? answer.getBoundingClientRect().top - scroller().view().top - TOP_MARGIN_PX
          : Infinity;
        scrollBy(Math.min(want, room));
        // The answer's start reached the top: stop here, the rest is read by scrolling.
        if (want > room + 1) following = false;
      }
      measure();
    },

    /** "Jump to latest": to the end, following from there on. */
    jump() {
      following = true;
      keepAnswerStart = false;
      scrollBy(belowView() + SLACK_PX / 2);
      measure();
    },

    /**
     * A scroll event anywhere (listened to in the capture phase, as scroll events do not
     * bubble): the visitor's own scroll of the chat's scroller decides whether to keep following.
     */
    scrolled(target: EventTarget | null) {
      const s = scroller();
      if (!s.owns(target)) return;
      const ours = landing !== null && Math.abs(s.top() - landing) < 2;
      landing = null;
      measure();
      if (!ours) following = atBottom();
    },
  };
}
