/**
 * fetch_page's allow-list: the websites the agent may read, one per row with a Remove button,
 * and a box to add one. What is typed is normalised and checked by the shared
 * AllowedDomainSchema ("https://Example.com/pricing" becomes "example.com"); its message is
 * shown under the box. The box sits inside the agent form, so Enter adds rather than saves.
 */
import X from "lucide-solid/icons/x";
import { For, Show, createSignal } from "solid-js";
import { AllowedDomainSchema } from "../../../../shared/tools.ts";
import { Field } from "../../components/Field.tsx";
import { Button } from "../../ui/Button.tsx";

/** As many as ToolsConfigSchema allows. */
const MAX_DOMAINS = 50;

export function AllowedDomains(props: {
  domains: readonly string[];
  onChange: (domains: string[]) => void;
  /** The server's error for the list, if it refused it. */
  error?: string | undefined;
}) {
  const [draft, setDraft] = createSignal("");
  const [error, setError] = createSignal<string>();
  let box: HTMLDivElement | undefined;
  /** Field renders its input again when the error changes: keep the focus in the box. */
  const refuse = (message: string) => {
    setError(message);
    queueMicrotask(() => box?.querySelector("input")?.focus());
  };

  const add = () => {
    const parsed = AllowedDomainSchema.safeParse(draft());
    if (!parsed.success)
      return refuse(parsed.error.issues[0]?.message ?? "must be a website's domain name");
    if (props.domains.includes(parsed.data))
      return refuse(`${parsed.data} is already in the list.`);
    if (props.domains.length >= MAX_DOMAINS) return refuse(`At most ${MAX_DOMAINS} websites.`);
    props.onChange([...props.domains, parsed.data]);
    setDraft("");
    setError(undefined);
  };

  return (
    <div class="allowed-domains stack">
      <Show
        when={props.domains.length > 0}
        fallback={
          <p class="field-hint">No website yet: with none, the agent cannot read any page.</p>
        }
      >
        <ul class="domain-list" aria-label="Websites the agent may read">
          <For each={props.domains}>
            {(domain) => (
              <li>
                <span class="domain-name">{domain}</span>
                <Button
                  size="sm"
                  variant="ghost"
                  icon={X}
                  label={`Remove ${domain}`}
                  onClick={() => props.onChange(props.domains.filter((d) => d !== domain))}
                />
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="domain-add" ref={box}>
        <Field
          label="Add a website"
          hint="A domain such as example.com; its subdomains are allowed too."
          error={error() ?? props.error}
        >
          {(attrs) => (
            <input
              {...attrs}
              type="text"
              inputmode="url"
              autocomplete="off"
              value={draft()}
              onInput={(e) => {
                setDraft(e.currentTarget.value);
                setError(undefined);
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  add();
                }
              }}
            />
          )}
        </Field>
        <Button size="sm" onClick={add}>
          Add
        </Button>
      </div>
    </div>
  );
}
