/**
 * The offline default embedding, "nooble-lexical-v1": a hashed bag of words and word
 * bigrams. It is real and deterministic but it matches words, not meanings ("car" does not
 * find "automobile"), and its model name says so. No network, no model weights, about a
 * microsecond per word.
 *
 * Each content term (see text.ts: stemmed, stop words dropped) and each pair of adjacent
 * content terms is hashed into one of DIMENSIONS buckets with a hashed sign, so colliding
 * features cancel out on average instead of adding up. A feature weighs 1 + ln(tf)
 * (sublinear: the tenth repetition adds little), bigrams a little less than words; there is
 * no IDF, because a vector must not change as other documents arrive. The vector is
 * L2-normalised, so the dot product of two vectors is their cosine.
 */
import type { Embedder } from "./types.ts";
import { hash32, terms } from "./text.ts";

export const LEXICAL_MODEL = "nooble-lexical-v1";
/**
 * 2048 buckets: a 500-word chunk has ~250 distinct words and ~400 bigrams, so collisions
 * stay rare, and the KnowledgeBase's int8 cache holds 20k chunks in 41 MB.
 */
export const LEXICAL_DIMENSIONS = 2048;

export interface LexicalOptions {
  dimensions?: number;
  /** Weight of a bigram feature relative to a word. */
  bigramWeight?: number;
}

const BIGRAM_SEED = 0x9e3779b9;

/** Sparse form of the lexical vector: bucket -> weight, before normalisation. */
export function lexicalFeatures(text: string, options: LexicalOptions = {}): Map<number, number> {
  const dimensions = options.dimensions ?? LEXICAL_DIMENSIONS;
  const bigramWeight = options.bigramWeight ?? 0.5;
  const counts = new Map<string, number>();
  const ts = terms(text);
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] ?? "";
    counts.set(t, (counts.get(t) ?? 0) + 1);
    const next = ts[i + 1];
    if (next !== undefined && bigramWeight > 0) {
      const pair = `${t} ${next}`;
      counts.set(pair, (counts.get(pair) ?? 0) + 1);
    }
  }
  const features = new Map<number, number>();
  for (const [feature, tf] of counts) {
    const isBigram = feature.includes(" ");
    const h = hash32(feature, isBigram ? BIGRAM_SEED : undefined);
    const bucket = h % dimensions;
    const sign = h & 0x80000000 ? -1 : 1;
    const weight = (1 + Math.log(tf)) * (isBigram ? bigramWeight : 1);
    features.set(bucket, (features.get(bucket) ?? 0) + sign * weight);
  }
  return features;
}

/** The dense, L2-normalised lexical vector of one text (all zeros when it has no content terms). */
export function lexicalVector(text: string, options: LexicalOptions = {}): number[] {
  const dimensions = options.dimensions ?? LEXICAL_DIMENSIONS;
  const vector = new Array<number>(dimensions).fill(0);
  let norm = 0;
  for (const [bucket, weight] of lexicalFeatures(text, options)) {
    vector[bucket] = weight;
    norm += weight * weight;
  }
  if (norm === 0) return vector;
  const inv = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimensions; i++) vector[i] = (vector[i] ?? 0) * inv;
  return vector;
}

/** The lexical embedder: synchronous work behind the async Embedder interface. */
export function createLexicalEmbedder(options: LexicalOptions = {}): Embedder {
  const dimensions = options.dimensions ?? LEXICAL_DIMENSIONS;
  return {
    model: LEXICAL_MODEL,
    dimensions,
    embed: (texts) =>
      Promise.resolve(texts.map((t) => lexicalVector(t, { ...options, dimensions }))),
  };
}
