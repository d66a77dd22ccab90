/**
 * Turns the bytes of a text-like upload (plain text, Markdown, CSV, HTML) into a string,
 * deciding the charset from the bytes themselves. Order of evidence, strongest first:
 * a byte-order mark, the NUL pattern of BOM-less UTF-16, valid UTF-8, a charset the file
 * declares (HTML `<meta>` / XML prolog, only when the bytes do not contradict it), and
 * finally Windows-1252 (the WHATWG decoder for "iso-8859-1" and "latin1" too).
 * Everything goes through the platform's TextDecoder, which Workers and Node both have.
 */

/** The decoded text and how its charset was decided (shown to the owner as a note). */
export interface DecodedText {
  text: string;
  /** WHATWG encoding name used to decode, e.g. "utf-8", "utf-16le", "windows-1252". */
  charset: string;
  /** One sentence for the owner: which charset and why. */
  note: string;
}

/** Bytes sampled to recognise BOM-less UTF-16 and to look for a declared charset. */
const SAMPLE_BYTES = 4096;
/** Share of control characters (besides tab, newlines, form feed) above which text is binary. */
const MAX_CONTROL_RATIO = 0.02;

/** Decodes `bytes`, or returns null when they are not text (NUL bytes, control characters). */
export function decodeText(bytes: Uint8Array): DecodedText | null {
  const bom = detectBom(bytes);
  if (bom) {
    const text = decodeWith(bom.charset, bytes.subarray(bom.length));
    const declared = declaredCharset(text);
    const ignored =
      declared && normaliseLabel(declared) !== bom.charset
        ? `; its declared charset "${declared}" was ignored`
        : "";
    return accept({
      text,
      charset: bom.charset,
      note: `Text decoded as ${label(bom.charset)} (byte-order mark)${ignored}.`,
    });
  }

  const utf16 = detectBomlessUtf16(bytes);
  if (utf16) {
    return accept({
      text: decodeWith(utf16, bytes),
      charset: utf16,
      note: `Text decoded as ${label(utf16)} (no byte-order mark; detected from the byte pattern).`,
    });
  }

  if (bytes.includes(0)) return null;

  const utf8 = tryDecode("utf-8", bytes);
  const declared = declaredCharset(latin1Prefix(bytes));
  const declaredName = declared ? normaliseLabel(declared) : null;
  if (utf8 !== null) {
    const isAscii = bytes.every((b) => b < 0x80);
    // Pure ASCII reads the same in every ASCII-compatible charset, so a declaration is
    // harmless; non-ASCII valid UTF-8 is almost never another charset by accident.
    const ignored =
      declaredName && declaredName !== "utf-8" && !isAscii
        ? `; its declared charset "${declared}" was ignored because the bytes are valid UTF-8`
        : "";
    return accept({ text: utf8, charset: "utf-8", note: `Text decoded as UTF-8${ignored}.` });
  }

  if (declaredName && declaredName !== "utf-8" && !declaredName.startsWith("utf-16")) {
    const text = tryDecode(declaredName, bytes);
    if (text !== null)
      return accept({
        text,
        charset: declaredName,
        note: `Text decoded as ${label(declaredName)} (declared by the file).`,
      });
  }
  const lie = declaredName === "utf-8" ? ` although it declares "${declared}"` : "";
  return accept({
    text: decodeWith("windows-1252", bytes),
    charset: "windows-1252",
    note: `Text decoded as Windows-1252 (not valid UTF-8${lie}).`,
  });
}

/**
 * Repairs UTF-8 that was decoded as Latin-1 and saved again ("â€“" for "–"). Only runs that
 * contain a C1 control character are touched: those never occur in genuine text.
 */
export function repairMojibake(text: string): { text: string; repaired: number } {
  let repaired = 0;
  const fixed = text.replace(/[\u00c2-\u00f4][\u0080-\u00bf]{1,3}/g, (run) => {
    if (!/[\u0080-\u009f]/.test(run)) return run;
    const bytes = Uint8Array.from(run, (c) => c.charCodeAt(0));
    const decoded = tryDecode("utf-8", bytes);
    if (decoded === null || [...decoded].length !== 1) return run;
    repaired += 1;
    return decoded;
  });
  return { text: fixed, repaired };
}

function accept(decoded: DecodedText): DecodedText | null {
  return looksLikeText(decoded.text) ? decoded : null;
}

/** True when the text has few control characters (binary decoded as text has many). */
export function looksLikeText(text: string): boolean {
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  let control = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    const isControl =
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) ||
      c === 0x7f ||
      c === 0xfffd ||
      (c >= 0x80 && c <= 0x9f);
    if (isControl) control++;
  }
  // A stray control character or two (a bell, a form feed from an old printer file) is not binary.
  return control <= 2 || control / sample.length <= MAX_CONTROL_RATIO;
}

function detectBom(bytes: Uint8Array): { charset: string; length: number } | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { charset: "utf-8", length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: "utf-16le", length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: "utf-16be", length: 2 };
  return null;
}

/** UTF-16 text that is mostly ASCII has a NUL in every other byte: odd bytes for LE, even for BE. */
function detectBomlessUtf16(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  const n = Math.min(bytes.length, SAMPLE_BYTES) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul / pairs > 0.4 && evenNul / pairs < 0.05) return "utf-16le";
  if (evenNul / pairs > 0.4 && oddNul / pairs < 0.05) return "utf-16be";
  return null;
}

/** A charset declared by `<meta charset>`, `<meta http-equiv content="...; charset=">` or `<?xml encoding>`. */
function declaredCharset(head: string): string | null {
  const sample = head.slice(0, SAMPLE_BYTES);
  const meta = /<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(sample);
  if (meta?.[1]) return meta[1];
  const xml = /^\s*<\?xml\b[^>]*\bencoding\s*=\s*["']([\w.:-]+)["']/i.exec(sample);
  return xml?.[1] ?? null;
}

function latin1Prefix(bytes: Uint8Array): string {
  return decodeWith("windows-1252", bytes.subarray(0, SAMPLE_BYTES));
}

/** The WHATWG encoding name for a label, or null when the platform does not know it. */
function normaliseLabel(charsetLabel: string): string | null {
  try {
    return new TextDecoder(charsetLabel.trim().toLowerCase()).encoding;
  } catch {
    return null;
  }
}

function tryDecode(charset: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(charset, { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
}

function decodeWith(charset: string, bytes: Uint8Array): string {
  return new TextDecoder(charset).decode(bytes);
}

function label(charset: string): string {
  const names: Record<string, string> = {
    "utf-8": "UTF-8",
    "utf-16le": "UTF-16LE",
    "utf-16be": "UTF-16BE",
    "windows-1252": "Windows-1252",
  };
  return names[charset] ?? charset;
}
