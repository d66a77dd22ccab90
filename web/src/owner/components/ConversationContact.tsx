/**
 * The contact details a visitor gave an agent (capture_contact), as the CRM shows them: one
 * compact cell in the conversation list, and a card on the transcript with the email and
 * phone as links. Everything is text (the visitor typed it), never HTML.
 */
import { Show } from "solid-js";
import type { ConversationContact } from "../../../../shared/api/conversations.ts";
import { Card } from "../../ui/Card.tsx";
import { formatDate } from "./format.ts";

/** The list's cell: the name, then the email or else the phone; a dash without a contact. */
export function ContactCell(props: { contact: ConversationContact | null }) {
  return (
    <Show when={props.contact} fallback={<span class="muted">—</span>}>
      {(c) => (
        // One wrapper: on a phone the cell is a "label: value" grid of two items.
        <div>
          <Show when={c().name}>{(name) => <div>{name()}</div>}</Show>
          <Show when={c().email ?? c().phone}>
            {(reach) => <div class={c().name ? "muted" : undefined}>{reach()}</div>}
          </Show>
        </div>
      )}
    </Show>
  );
}

/** A phone number as a tel: address: digits and a leading +. */
const telOf = (phone: string) =>
  `tel:${phone.trim().startsWith("+") ? "+" : ""}${phone.replace(/\D/g, "")}`;

/** The transcript's card: each detail the visitor gave, and when. Nothing without a contact. */
export function ContactCard(props: { contact: ConversationContact | null }) {
  return (
    <Show when={props.contact}>
      {(c) => (
        <Card title="Contact details">
          <div class="stack">
            <p class="muted">The visitor asked to be contacted and typed these in the chat.</p>
            <dl class="grid-4 facts">
              <Show when={c().name}>
                {(name) => (
                  <div>
                    <dt>Name</dt>
                    <dd>{name()}</dd>
                  </div>
                )}
              </Show>
              <Show when={c().email}>
                {(email) => (
                  <div>
                    <dt>Email</dt>
                    <dd>
                      <a href={`mailto:${email()}`}>{email()}</a>
                    </dd>
                  </div>
                )}
              </Show>
              <Show when={c().phone}>
                {(phone) => (
                  <div>
                    <dt>Phone</dt>
                    <dd>
                      <a href={telOf(phone())}>{phone()}</a>
                    </dd>
                  </div>
                )}
              </Show>
              <div>
                <dt>Given</dt>
                <dd>{formatDate(c().captured_at)}</dd>
              </div>
            </dl>
            <Show when={c().note}>
              {(note) => (
                // In a div: .facts sets its own margin, which would cancel the stack's spacing.
                <div>
                  <dl class="facts">
                    <dt>Note</dt>
                    <dd>{note()}</dd>
                  </dl>
                </div>
              )}
            </Show>
          </div>
        </Card>
      )}
    </Show>
  );
}
