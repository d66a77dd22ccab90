/** Dates, durations and sizes as the dashboard shows them (the browser's locale). */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function formatDay(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration as a person reads it: "0.8 s", "4.2 s", "42 s", "3 min 20 s", "1 h 5 min",
 * "2 d 3 h" — at most two units, the smaller one dropped when it is zero. Numbers follow the
 * locale (Intl.NumberFormat: "0,8 s" in French); the unit symbols are the SI/ISO ones, which
 * read the same in every language. Intl.DurationFormat would do this, but it is missing from
 * Node 22 and older browsers, and its output differs between them.
 */
export function formatDuration(ms: number | null | undefined, locale?: string): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return "—";
  const number = (n: number, options: Intl.NumberFormatOptions) =>
    new Intl.NumberFormat(locale, options).format(n);
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small
      ? `${number(big, {})} ${bigUnit} ${number(small, {})} ${smallUnit}`
      : `${number(big, {})} ${bigUnit}`;
  if (ms < 100) return `${number(ms / SECOND, { maximumSignificantDigits: 1 })} s`;
  if (ms < 10 * SECOND - 50) return `${number(ms / SECOND, { maximumFractionDigits: 1 })} s`;
  if (ms < MINUTE - 500) return `${number(Math.round(ms / SECOND), {})} s`;
  if (ms < HOUR - 500) {
    const seconds = Math.round(ms / SECOND);
    return pair(Math.floor(seconds / 60), "min", seconds % 60, "s");
  }
  if (ms < DAY - 30 * SECOND) {
    const minutes = Math.round(ms / MINUTE);
    return pair(Math.floor(minutes / 60), "h", minutes % 60, "min");
  }
  const hours = Math.round(ms / HOUR);
  return pair(Math.floor(hours / 24), "d", hours % 24, "h");
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Document kinds as the server names them (decided by content, stored as content_type). */
export const DOCUMENT_TYPES = [
  { value: "pdf", label: "PDF" },
  { value: "docx", label: "DOCX" },
  { value: "html", label: "HTML" },
  { value: "markdown", label: "Markdown" },
  { value: "text", label: "Text" },
  { value: "csv", label: "CSV" },
] as const;

export function typeLabel(contentType: string): string {
  const t = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return DOCUMENT_TYPES.find((d) => d.value === t)?.label ?? t.toUpperCase();
}
