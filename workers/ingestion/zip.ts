/**
 * Opening a ZIP-based upload (DOCX) without letting it expand without bound. A 358 KB DOCX
 * whose document.xml inflated to 100 MB once filled the heap and aborted the runtime, so:
 *
 * 1. The central directory is read first and the archive is refused when it has too many
 *    entries, or when a part the parser needs declares an inflated size or compression ratio
 *    past LIMITS (limits.ts).
 * 2. Declared sizes can lie, so each needed part is then inflated here, in small steps, and
 *    inflation stops as soon as the real output passes the same limits.
 * 3. The parser (mammoth, which uses jszip) is handed a new archive holding only those
 *    verified parts, stored uncompressed: whatever it inflates is what was measured here.
 *
 * The directory walk is hand-written because the libraries that read ZIPs (jszip, fflate's
 * unzip) inflate every entry whole, with no bound on the output and no access to an entry's
 * raw bytes; inflation itself is fflate's streaming Inflate.
 */
import { Inflate, zipSync } from "fflate";
import type { Zippable } from "fflate";
import { LIMITS, count, megabytes } from "./limits.ts";
import { ParseError } from "./types.ts";

/** One entry of the central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated; anything else is refused if the entry is needed. */
  method: number;
  compressedSize: number;
  /** As declared by the archive: can lie. */
  declaredSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_MARKER = 0xffffffff;
/** Compressed bytes fed to the inflater per step: bounds one step's output to ~1 MB (deflate's ratio is at most ~1030:1). */
const INFLATE_STEP = 1024;

/** What the archive is, for the owner: "this Word document". */
export type ArchiveLabel = string;

/**
 * The central directory's entries, or null when the bytes have no readable directory. An
 * archive of more than LIMITS.zipEntries entries is refused.
 */
export function readZipDirectory(bytes: Uint8Array, label: ArchiveLabel): ZipEntry[] | null {
  const directory = walkZipDirectory(bytes, LIMITS.zipEntries);
  if (directory && directory.total > LIMITS.zipEntries)
    throw tooManyEntries(label, directory.total);
  return directory?.entries ?? null;
}

/**
 * The first `max` entries of the central directory and how many it declares, or null when
 * there is no readable directory. Never inflates anything (sniff.ts reads names with it).
 */
export function walkZipDirectory(
  bytes: Uint8Array,
  max: number,
): { total: number; entries: ZipEntry[] } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfDirectory(view);
  if (eocd < 0) return null;
  const total = view.getUint16(eocd + 10, true);
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = view.getUint32(eocd + 16, true);
  for (let i = 0; i < Math.min(total, max); i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL_SIGNATURE) return null;
    const nameLength = view.getUint16(p + 28, true);
    entries.push({
      name: decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength)),
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      declaredSize: view.getUint32(p + 24, true),
      localHeaderOffset: view.getUint32(p + 42, true),
    });
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return { total, entries };
}

/**
 * The archive rebuilt with the parts `needed` accepts inflated and verified, and every other
 * part present but empty (so a parser that looks a part up still finds it, without its
 * bytes: images are never decoded for text). `check` sees each needed part once inflated
 * and may refuse it. Throws a ParseError for the owner when the archive passes a limit or
 * cannot be read.
 */
export function boundedArchive(
  bytes: Uint8Array,
  label: ArchiveLabel,
  needed: (name: string) => boolean,
  check: (name: string, data: Uint8Array) => void = () => undefined,
): Uint8Array {
  const entries = readZipDirectory(bytes, label);
  if (!entries)
    throw new ParseError(
      "MALFORMED_DOCUMENT",
      `${label} is damaged: its table of contents (ZIP directory) cannot be read`,
    );
  for (const entry of entries.filter((e) => needed(e.name))) checkDeclared(entry, label);
  const out: Zippable = {};
  let inflated = 0;
  for (const entry of entries) {
    if (entry.name.endsWith("/")) continue;
    if (!needed(entry.name)) {
      out[entry.name] = new Uint8Array(0);
      continue;
    }
    const data = inflateEntry(bytes, entry, label, LIMITS.zipTotalInflatedBytes - inflated);
    inflated += data.length;
    check(entry.name, data);
    out[entry.name] = data;
  }
  return zipSync(out, { level: 0 });
}

function checkDeclared(entry: ZipEntry, label: ArchiveLabel): void {
  if (entry.declaredSize === ZIP64_MARKER || entry.compressedSize === ZIP64_MARKER) {
    throw new ParseError(
      "DOCUMENT_TOO_LARGE",
      `${label} is a ZIP64 archive (parts over 4 GB), which is not accepted; save it again from Word`,
    );
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ParseError(
      "MALFORMED_DOCUMENT",
      `${label} uses a compression method Word never writes (method ${entry.method}); save it again from Word`,
    );
  }
  if (entry.declaredSize > LIMITS.zipEntryInflatedBytes)
    throw expandsTooMuch(label, LIMITS.zipEntryInflatedBytes);
  if (
    entry.declaredSize > LIMITS.zipRatioFloorBytes &&
    entry.declaredSize > entry.compressedSize * LIMITS.zipMaxRatio
  ) {
    throw new ParseError(
      "DOCUMENT_TOO_LARGE",
      `${label} is compressed more than ${LIMITS.zipMaxRatio}:1 (${megabytes(entry.compressedSize)} expanding to ${megabytes(entry.declaredSize)}), as archives built to exhaust memory are; it was refused`,
    );
  }
}

/** One entry's bytes, inflated step by step and refused as soon as they pass a limit. */
function inflateEntry(
  bytes: Uint8Array,
  entry: ZipEntry,
  label: ArchiveLabel,
  remaining: number,
): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) {
    throw new ParseError(
      "MALFORMED_DOCUMENT",
      `${label} is damaged: a part (${entry.name}) cannot be found in the archive`,
    );
  }
  const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const raw = bytes.subarray(start, Math.min(bytes.length, start + entry.compressedSize));
  const limit = Math.min(LIMITS.zipEntryInflatedBytes, remaining);
  const limitFor =
    limit === LIMITS.zipEntryInflatedBytes
      ? LIMITS.zipEntryInflatedBytes
      : LIMITS.zipTotalInflatedBytes;
  if (entry.method === 0) {
    if (raw.length > limit) throw expandsTooMuch(label, limitFor);
    return raw.slice();
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    size += chunk.length;
    if (size > limit) throw expandsTooMuch(label, limitFor);
    parts.push(chunk);
    if (final) done = true;
  });
  try {
    for (let i = 0; i < raw.length && !done; i += INFLATE_STEP) {
      inflater.push(raw.subarray(i, i + INFLATE_STEP), i + INFLATE_STEP >= raw.length);
    }
  } catch (err) {
    if (err instanceof ParseError) throw err;
    throw new ParseError(
      "MALFORMED_DOCUMENT",
      `${label} is damaged: a part (${entry.name}) cannot be decompressed`,
    );
  }
  if (!done)
    throw new ParseError(
      "MALFORMED_DOCUMENT",
      `${label} is damaged: a part (${entry.name}) is cut short`,
    );
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The end-of-central-directory record, searched backwards past a comment of up to 64 KB. */
function findEndOfDirectory(view: DataView): number {
  const min = Math.max(0, view.byteLength - 22 - 65_535);
  for (let p = view.byteLength - 22; p >= min; p--) {
    if (view.getUint32(p, true) === EOCD_SIGNATURE) return p;
  }
  return -1;
}

function expandsTooMuch(label: ArchiveLabel, limit: number): ParseError {
  return new ParseError(
    "DOCUMENT_TOO_LARGE",
    `${label} expands to more than ${megabytes(limit)} when unpacked, more than can be read safely; split it into smaller documents`,
  );
}

function tooManyEntries(label: ArchiveLabel, entries: number): ParseError {
  return new ParseError(
    "DOCUMENT_TOO_LARGE",
    `${label} holds ${count(entries)} files inside its archive, more than the ${count(LIMITS.zipEntries)} accepted`,
  );
}
