/** "31–60 of 212" with Previous and Next: the paging row under the dashboard's tables. */
import ChevronLeft from "lucide-solid/icons/chevron-left";
import ChevronRight from "lucide-solid/icons/chevron-right";
import { Button } from "../../ui/Button.tsx";

export function Pager(props: {
  label: string;
  offset: number;
  shown: number;
  total: number;
  onPrevious: () => void;
  onNext: () => void;
}) {
  return (
    <nav class="row pager" aria-label={props.label}>
      <span class="muted">
        {props.offset + 1}–{props.offset + props.shown} of {props.total}
      </span>
      <Button
        size="sm"
        icon={ChevronLeft}
        disabled={props.offset === 0}
        onClick={() => props.onPrevious()}
      >
        Previous
      </Button>
      <Button
        size="sm"
        disabled={props.offset + props.shown >= props.total}
        onClick={() => props.onNext()}
      >
        Next
        <ChevronRight size={16} aria-hidden="true" />
      </Button>
    </nav>
  );
}
