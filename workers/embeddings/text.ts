/**
 * Word-level text analysis shared by the lexical embedding, the KnowledgeBase's full-text
 * query builder and Qdrant's sparse vectors, so all three agree on what a "term" is:
 * lowercased, diacritics removed, split on anything that is not a letter or digit, English
 * stop words dropped, and a light suffix stemmer (plurals, -ing, -ed, a final -e) applied.
 */

/**
 * Function words that carry no topic. Dropping them is the lexical embedding's stand-in for
 * IDF: it has no corpus statistics (a vector must not change when other documents arrive),
 * so the commonest English words are simply not counted.
 */
const STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below between both but by " +
    "can could did do does doing down during each either else ever few for from further had has have having he her here hers " +
    "herself him himself his how however i if in into is it its itself just may me might more most must my myself no nor not " +
    "now of off on once only or other our ours ourselves out over own per same shall she should since so some such than that " +
    "the their theirs them themselves then there these they this those through thus to too under until up upon us very was we " +
    "were what when where whether which while who whom whose why will with within without would yet you your yours yourself " +
    "yourselves"
  ).split(" "),
);

/** Whether a lowercased word is an English function word. */
export const isStopWord = (word: string): boolean => STOP_WORDS.has(word);

const WORD = /[\p{L}\p{N}]+/gu;
const COMBINING_MARKS = /\p{M}+/gu;

/**
 * Lowercased words without diacritics, in order, split on every non-letter/digit. Text is
 * recomposed after the marks go (NFC), so Hangul syllables, which NFKD splits into jamo,
 * come back whole, as FTS5's unicode61 tokenizer sees them.
 */
export function words(text: string): string[] {
  return (
    text
      .normalize("NFKD")
      .replace(COMBINING_MARKS, "")
      .normalize("NFC")
      .toLowerCase()
      .match(WORD) ?? []
  );
}

const VOWEL = /[aeiouy]/;

/**
 * A deliberately small suffix stemmer: studies -> study, cells -> cell, running -> run,
 * activated / activates / activate -> activat. Words of four letters or fewer, words with
 * digits and words ending in -ss, -us, -is are left alone (class, virus, analysis).
 */
export function stem(word: string): string {
  if (word.length <= 4 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing") && VOWEL.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith("ed") && VOWEL.test(w.slice(0, -2)))
    w = undouble(w.slice(0, -2));
  if (w.length > 4 && w.endsWith("e") && !w.endsWith("ee")) w = w.slice(0, -1);
  return w;
}

/** running -> runn -> run; but not "fall" or "miss", whose double letter is part of the word. */
function undouble(w: string): string {
  const last = w.at(-1);
  return last && last === w.at(-2) && !"lsz".includes(last) ? w.slice(0, -1) : w;
}

/** The content terms of a text: stemmed words, stop words and lone characters removed. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    if (word.length < 2 && !/\d/.test(word)) continue;
    if (isStopWord(word)) continue;
    out.push(stem(word));
  }
  return out;
}

/** 32-bit FNV-1a over UTF-16 code units: stable across runtimes, fast, well spread. */
export function hash32(text: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche so nearby strings differ in their low bits too.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
