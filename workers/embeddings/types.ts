/**
 * Embedders turn texts into vectors. The offline default is a lexical (hashed bag-of-words)
 * embedding: real and deterministic, but it matches words, not meaning, and says so in its
 * model name. OpenAI's text-embedding-3-small is used when OPENAI_API_KEY is set, Workers AI's
 * bge-m3 when the AI binding is (select.ts).
 */
export interface Embedder {
  /** Stored with every vector: a collection never mixes models or dimensions. */
  readonly model: string;
  readonly dimensions: number;
  /** One vector per text, in order. Implementations batch and retry as their API needs. */
  embed(texts: string[]): Promise<number[][]>;
}
