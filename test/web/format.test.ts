/** formatDuration: durations as a person reads them, never "49 ms" or "3605 s". */
import { describe, expect, it } from "vitest";
import { formatDuration } from "../../web/src/owner/components/format.ts";

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

describe("formatDuration", () => {
  it("shows sub-second durations as a fraction of a second", () => {
    expect(formatDuration(800, "en")).toBe("0.8 s");
    expect(formatDuration(49, "en")).toBe("0.05 s");
    expect(formatDuration(0, "en")).toBe("0 s");
    expect(formatDuration(960, "en")).toBe("1 s");
  });

  it("keeps one decimal under ten seconds and whole seconds under a minute", () => {
    expect(formatDuration(4_240, "en")).toBe("4.2 s");
    expect(formatDuration(9_960, "en")).toBe("10 s");
    expect(formatDuration(42_400, "en")).toBe("42 s");
    expect(formatDuration(59_700, "en")).toBe("1 min");
  });

  it("uses two units at most, dropping a zero smaller unit", () => {
    expect(formatDuration(3 * MIN + 20 * S, "en")).toBe("3 min 20 s");
    expect(formatDuration(5 * MIN, "en")).toBe("5 min");
    expect(formatDuration(H + 5 * MIN + 40 * S, "en")).toBe("1 h 6 min");
    expect(formatDuration(H + 5 * MIN, "en")).toBe("1 h 5 min");
    expect(formatDuration(59 * MIN + 59_800, "en")).toBe("1 h");
    expect(formatDuration(2 * H, "en")).toBe("2 h");
    expect(formatDuration(51 * H, "en")).toBe("2 d 3 h");
  });

  it("writes numbers in the reader's locale", () => {
    expect(formatDuration(800, "fr")).toBe("0,8 s");
    expect(formatDuration(4_240, "de")).toBe("4,2 s");
  });

  it("shows a dash for no duration or a nonsensical one", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(undefined)).toBe("—");
    expect(formatDuration(-5)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
  });
});
