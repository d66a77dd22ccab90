/** The public page's link with Copy and Open; either counts as sharing it (share-progress.ts). */
import { CopyField } from "./CopyField.tsx";
import { markShared } from "./share-progress.ts";

export function ShareLink(props: { url: string; label?: string }) {
  return (
    <CopyField
      label={props.label ?? "Your public page"}
      value={props.url}
      size="sm"
      onUse={markShared}
    />
  );
}
