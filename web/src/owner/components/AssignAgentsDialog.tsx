/** Choose which agents answer from one document (PUT /documents/{id}/agents, operation set). */
import { createSignal } from "solid-js";
import type { Agent } from "../../../../shared/api/agents.ts";
import type { DocumentView } from "../../../../shared/api/documents.ts";
import { errorMessage } from "../../lib/api.ts";
import { setDocumentAgents } from "../api/documents.ts";
import { AgentChecklist } from "./AgentChecklist.tsx";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Dialog } from "../../ui/Dialog.tsx";

export function AssignAgentsDialog(props: {
  document: DocumentView;
  agents: Agent[];
  onSaved: (doc: DocumentView) => void;
  onClose: () => void;
}) {
  // Starts from the document's current agents; the owner edits a copy.
  const [selected, setSelected] = createSignal<string[]>([...props.document.agent_ids]);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const close = () => props.onClose();
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onSaved(await setDocumentAgents(props.document.id, selected()));
      close();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog labelledBy="assign-title" busy={busy()} onClose={close}>
      <form onSubmit={(e) => void save(e)}>
        <h2 id="assign-title">Agents for “{props.document.name}”</h2>
        <AgentChecklist
          legend="Agents that answer from this document"
          agents={props.agents}
          selected={selected()}
          onChange={setSelected}
        />
        <ErrorAlert message={error()} />
        <div class="row dialog-actions">
          <button type="button" onClick={close} disabled={busy()}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy()}>
            {busy() ? "Saving…" : "Save agents"}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
