/**
 * An answer's sources: document name and page, each expandable to the passage the answer was
 * given. `[n]` in the answer refers to the n-th source; clicking it opens that one here.
 */
import { For, Show, createUniqueId } from "solid-js";
import type { Source } from "../../../shared/conversation.ts";

export interface CitationsProps {
  sources: Source[];
  /** Is source i (0-based) open? */
  isOpen: (index: number) => boolean;
  onToggle: (index: number) => void;
}

export function sourceLabel(source: Source): string {
  return source.page !== null && source.page !== undefined
    ? `${source.document_name}, page ${source.page}`
    : source.document_name;
}

export function Citations(props: CitationsProps) {
  const id = createUniqueId();
  return (
    <Show when={props.sources.length > 0}>
      <section class="citations" aria-labelledby={`${id}-title`}>
        <h3 class="citations-title" id={`${id}-title`}>
          Sources
        </h3>
        <ol class="citation-list">
          <For each={props.sources}>
            {(source, i) => (
              <li class="citation" id={`${id}-${i()}`}>
                <button
                  type="button"
                  class="citation-toggle"
                  aria-expanded={props.isOpen(i())}
                  aria-controls={`${id}-${i()}-snippet`}
                  onClick={() => props.onToggle(i())}
                >
                  <span class="cite-num" aria-hidden="true">
                    [{i() + 1}]
                  </span>{" "}
                  {sourceLabel(source)}
                </button>
                <blockquote
                  class="citation-snippet"
                  id={`${id}-${i()}-snippet`}
                  hidden={!props.isOpen(i())}
                >
                  {source.snippet}
                </blockquote>
              </li>
            )}
          </For>
        </ol>
      </section>
    </Show>
  );
}
