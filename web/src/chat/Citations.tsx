/**
 * An answer's sources, collapsed under it as a disclosure ("2 sources"): one entry per
 * document with the pages and sections it was quoted from, and under it each cited passage
 * with its number. Source n is the answer's `[n]` (the server sends only what the answer
 * cites, numbered in that order); clicking `[n]` in the answer opens the list at that passage.
 * A passage sent twice (same document, same text) is shown once with both numbers.
 */
import { For, Show, createUniqueId } from "solid-js";
import type { Source } from "../../../shared/conversation.ts";

export interface SourcePassage {
  /** The answer's citation numbers for this passage ([1], [3]). */
  refs: number[];
  page: number | null;
  section: string | null;
  snippet: string;
}

export interface SourceDocument {
  document_id: string;
  document_name: string;
  passages: SourcePassage[];
}

/** Sources grouped by document, in the order the answer first cites each document. */
export function groupSources(sources: Source[]): SourceDocument[] {
  const docs: SourceDocument[] = [];
  sources.forEach((s, i) => {
    let doc = docs.find((d) => d.document_id === s.document_id);
    if (!doc) {
      doc = { document_id: s.document_id, document_name: s.document_name, passages: [] };
      docs.push(doc);
    }
    const same = doc.passages.find((p) => p.snippet.trim() === s.snippet.trim());
    if (same) same.refs.push(i + 1);
    else
      doc.passages.push({
        refs: [i + 1],
        page: s.page ?? null,
        section: s.section ?? null,
        snippet: s.snippet,
      });
  });
  return docs;
}

/** "page 3", "pages 2, 5", or "" when the document has no pages. */
export function pagesLabel(doc: SourceDocument): string {
  const pages = [...new Set(doc.passages.flatMap((p) => (p.page === null ? [] : [p.page])))];
  pages.sort((a, b) => a - b);
  if (pages.length === 0) return "";
  return `${pages.length === 1 ? "page" : "pages"} ${pages.join(", ")}`;
}

const where = (p: SourcePassage) =>
  [p.page !== null ? `page ${p.page}` : "", p.section ?? ""].filter(Boolean).join(" · ");

export interface CitationsProps {
  sources: Source[];
  open: boolean;
  onToggle: (open: boolean) => void;
  /** The citation number to show (scrolled to and highlighted), if one was clicked. */
  focused?: number | null;
}

export function Citations(props: CitationsProps) {
  const id = createUniqueId();
  const docs = () => groupSources(props.sources);
  const count = () => docs().length;
  return (
    <Show when={props.sources.length > 0}>
      <details
        class="citations"
        open={props.open}
        onToggle={(e) => {
          if (e.currentTarget.open !== props.open) props.onToggle(e.currentTarget.open);
        }}
      >
        <summary class="citations-summary">
          {count()} {count() === 1 ? "source" : "sources"}
        </summary>
        <ol class="citation-list">
          <For each={docs()}>
            {(doc) => (
              <li class="citation">
                <p class="citation-doc">
                  <span class="citation-doc-name">{doc.document_name}</span>
                  <Show when={pagesLabel(doc)}>
                    {(pages) => <span class="citation-pages"> · {pages()}</span>}
                  </Show>
                </p>
                <ul class="citation-passages">
                  <For each={doc.passages}>
                    {(p) => (
                      <li
                        class="citation-passage"
                        id={`${id}-${p.refs[0] ?? 0}`}
                        data-refs={p.refs.join(" ")}
                        data-focused={p.refs.includes(props.focused ?? -1) || undefined}
                        tabindex="-1"
                      >
                        <span class="cite-num">{p.refs.map((n) => `[${n}]`).join("")}</span>
                        <Show when={where(p)}>
                          <span class="citation-where"> {where(p)}</span>
                        </Show>
                        <blockquote class="citation-snippet">{p.snippet}</blockquote>
                      </li>
                    )}
                  </For>
                </ul>
              </li>
            )}
          </For>
        </ol>
      </details>
    </Show>
  );
}
