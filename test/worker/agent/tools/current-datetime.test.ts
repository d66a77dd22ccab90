/**
 * The current_datetime tool: the context's clock as a wall clock in the asked zone (UTC by
 * default), with the right offset on each side of daylight-saving changes, and an unknown
 * zone refused with an example of a valid one.
 */
import { describe, expect, it } from "vitest";
import { currentDatetimeTool } from "../../../../workers/agent/tools/current-datetime.ts";
import { builtinToolContext, toolRefusal } from "./builtin-tool-context.ts";

const at = (iso: string, timezone?: string) =>
  currentDatetimeTool.run(
    timezone === undefined ? {} : { timezone },
    builtinToolContext({ now: () => new Date(iso) }),
  );

const isoLine = async (iso: string, timezone?: string) =>
  (await at(iso, timezone)).content.split("\n")[1];

describe("current_datetime", () => {
  it("tells the time in UTC when no zone is given, with weekday, zone and ISO 8601", async () => {
    const outcome = await at("2026-12-03T19:59:35.412Z");
    expect(outcome).toEqual({
      content:
        "Now in UTC: Thursday, December 3, 2026 at 19:59:35 (UTC+00:00)\n" +
        "ISO 8601: 2026-12-03T19:59:35+00:00",
      summary: "Checked the date and time in UTC: Thursday 2026-12-03 19:59",
      detail: null,
    });
    expect(currentDatetimeTool.describeCall({})).toBe("Checking the date and time in UTC");
  });

  it("gives Paris the winter offset just before the spring change and summer's just after", async () => {
    expect(await isoLine("2026-03-29T00:59:59Z", "Europe/Paris")).toBe(
      "ISO 8601: 2026-03-29T01:59:59+01:00",
    );
    expect(await isoLine("2026-03-29T01:00:00Z", "Europe/Paris")).toBe(
      "ISO 8601: 2026-03-29T03:00:00+02:00",
    );
  });

  it("tells New York's repeated hour apart by its offset when daylight saving ends", async () => {
    expect(await isoLine("2026-11-01T05:30:00Z", "America/New_York")).toBe(
      "ISO 8601: 2026-11-01T01:30:00-04:00",
    );
    expect(await isoLine("2026-11-01T06:30:00Z", "America/New_York")).toBe(
      "ISO 8601: 2026-11-01T01:30:00-05:00",
    );
  });

  it("handles fractional offsets and a zone already in tomorrow", async () => {
    expect(await isoLine("2026-06-30T20:00:00Z", "Asia/Kathmandu")).toBe(
      "ISO 8601: 2026-07-01T01:45:00+05:45",
    );
    const kiritimati = await at("2026-12-31T12:00:00Z", "Pacific/Kiritimati");
    expect(kiritimati.content).toContain("Friday, January 1, 2027 at 02:00:00 (UTC+14:00)");
  });

  it("names the zone canonically whatever its case, and reads a blank zone as UTC", async () => {
    const outcome = await at("2026-07-14T10:00:00Z", "europe/paris");
    expect(outcome.content.split("\n")[0]).toBe(
      "Now in Europe/Paris: Tuesday, July 14, 2026 at 12:00:00 (UTC+02:00)",
    );
    expect(await isoLine("2026-07-14T10:00:00Z", "  ")).toBe("ISO 8601: 2026-07-14T10:00:00+00:00");
  });

  it("refuses an unknown zone with an example of a valid one", async () => {
    expect(await toolRefusal(at("2026-07-14T10:00:00Z", "Paris/France"))).toBe(
      'Unknown time zone "Paris/France": use an IANA time zone name such as "Europe/Paris", "America/New_York" or "Asia/Tokyo", or leave it out for UTC.',
    );
  });

  it("takes no zone name past the schema's 64 characters", () => {
    const args = currentDatetimeTool.args;
    expect(args.safeParse({ timezone: "A".repeat(65) }).success).toBe(false);
    expect(args.safeParse({ timezone: "Asia/Tokyo" }).success).toBe(true);
  });
});
