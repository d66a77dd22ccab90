/**
 * An answer's Markdown, rendered safely. micromark escapes raw HTML (`allowDangerousHtml` is
 * off) and drops dangerous link protocols (`javascript:` and the like), so the HTML it makes
 * holds only Markdown's own elements. On top of that, in the DOM:
 * - links open in a new tab with rel="noopener nofollow" (answers are not endorsements);
 * - images become plain links (an answer must not make the visitor's browser fetch things);
 * - `[n]` markers that name one of the answer's sources become buttons that open that source.
 */
import { createEffect } from "solid-js";
import { micromark } from "micromark";

/** Markdown to HTML with raw HTML escaped and unsafe URLs removed. */
export function markdownToHtml(text: string): string {
  return micromark(text, { allowDangerousHtml: false, allowDangerousProtocol: false });
}

const CITE = /\[(\d{1,2})\]/g;

/** Post-processes rendered Markdown in place (see the file header). */
export function decorate(root: HTMLElement, sourceCount: number): void {
  for (const a of root.querySelectorAll("a")) {
    a.setAttribute("rel", "noopener nofollow");
    a.setAttribute("target", "_blank");
  }
  for (const img of root.querySelectorAll("img")) {
    const src = img.getAttribute("src") ?? "";
    const replacement = root.ownerDocument.createElement(src ? "a" : "span");
    replacement.textContent = img.getAttribute("alt") || src || "image";
    if (src) {
      replacement.setAttribute("href", src);
      replacement.setAttribute("rel", "noopener nofollow");
      replacement.setAttribute("target", "_blank");
    }
    img.replaceWith(replacement);
  }
  if (sourceCount > 0) linkCitations(root, sourceCount);
}

function linkCitations(root: HTMLElement, sourceCount: number): void {
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest("code, pre, a")) continue;
    if (CITE.test(node.nodeValue ?? "")) texts.push(node as Text);
    CITE.lastIndex = 0;
  }
  for (const text of texts) {
    const value = text.nodeValue ?? "";
    const fragment = doc.createDocumentFragment();
    let last = 0;
    for (const match of value.matchAll(CITE)) {
      const n = Number(match[1]);
      if (n < 1 || n > sourceCount) continue;
      fragment.append(value.slice(last, match.index));
      const button = doc.createElement("button");
      button.type = "button";
      button.className = "cite-ref";
      button.dataset.cite = String(n);
      button.setAttribute("aria-label", `Show source ${n}`);
      button.textContent = `[${n}]`;
      fragment.append(button);
      last = match.index + match[0].length;
    }
    fragment.append(value.slice(last));
    text.replaceWith(fragment);
  }
}

export interface MarkdownProps {
  text: string;
  /** How many sources the answer has: `[1]`..`[n]` become buttons calling onCite. */
  sourceCount?: number;
  onCite?: (n: number) => void;
  class?: string;
}

export function Markdown(props: MarkdownProps) {
  let el: HTMLDivElement | undefined;
  createEffect(() => {
    if (!el) return;
    el.innerHTML = markdownToHtml(props.text);
    decorate(el, props.sourceCount ?? 0);
  });
  return (
    <div
      ref={el}
      class={`markdown ${props.class ?? ""}`}
      onClick={(event) => {
        const target =
          event.target instanceof Element ? event.target.closest<HTMLElement>("[data-cite]") : null;
        if (target?.dataset.cite) props.onCite?.(Number(target.dataset.cite));
      }}
    />
  );
}
