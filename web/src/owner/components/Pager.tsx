/** "31–60 of 212" with Previous and Next: the paging row under the dashboard's tables. */
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
      <button type="button" disabled={props.offset === 0} onClick={() => props.onPrevious()}>
        Previous
      </button>
      <button
        type="button"
        disabled={props.offset + props.shown >= props.total}
        onClick={() => props.onNext()}
      >
        Next
      </button>
    </nav>
  );
}
