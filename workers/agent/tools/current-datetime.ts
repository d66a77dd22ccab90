/**
 * The current_datetime tool: what time it is, in a given IANA time zone (UTC by default), so
 * the model never guesses today's date. The runtime's Intl.DateTimeFormat (ICU's time-zone
 * data) does the zone arithmetic, daylight-saving changes included; the clock is the
 * context's, so tests choose the instant.
 */
import { TOOL_ARGUMENTS, TOOL_DESCRIPTIONS, toolParameters } from "../../../shared/tools.ts";
import type { ToolArguments } from "../../../shared/tools.ts";
import { ToolError } from "./types.ts";
import type { AgentTool } from "./types.ts";

const DEFAULT_ZONE = "UTC";

export const currentDatetimeTool: AgentTool<ToolArguments<"current_datetime">> = {
  spec: {
    name: "current_datetime",
    description: TOOL_DESCRIPTIONS.current_datetime,
    parameters: toolParameters(TOOL_ARGUMENTS.current_datetime),
  },
  args: TOOL_ARGUMENTS.current_datetime,
  describeCall: ({ timezone }) => `Checking the date and time in ${zoneOf(timezone)}`,
  run({ timezone }, ctx) {
    try {
      const now = describeInstant(ctx.now(), zoneOf(timezone));
      return Promise.resolve({
        content:
          `Now in ${now.zone}: ${now.readable} (UTC${now.offset})\n` + `ISO 8601: ${now.iso}`,
        summary: `Checked the date and time in ${now.zone}: ${now.short}`,
        detail: null,
      });
    } catch (err) {
      return Promise.reject(err);
    }
  },
};

/** An instant as a wall clock in `timeZone`: ISO 8601 with offset, weekday and a readable line. */
export function describeInstant(
  instant: Date,
  timeZone: string,
): { zone: string; iso: string; offset: string; readable: string; short: string } {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      weekday: "long",
      timeZoneName: "longOffset",
    });
  } catch {
    throw new ToolError(
      `Unknown time zone "${timeZone}": use an IANA time zone name such as "Europe/Paris", "America/New_York" or "Asia/Tokyo", or leave it out for UTC.`,
    );
  }
  const parts = new Map(format.formatToParts(instant).map((p) => [p.type, p.value]));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.get(type) ?? "";
  // "GMT+05:30", or "GMT" alone when the offset is zero.
  const offset = part("timeZoneName").replace(/^GMT/, "") || "+00:00";
  const date = `${part("year")}-${part("month")}-${part("day")}`;
  const time = `${part("hour")}:${part("minute")}:${part("second")}`;
  const weekday = part("weekday");
  const readable = new Intl.DateTimeFormat("en-US", {
    timeZone,
    dateStyle: "full",
    timeStyle: "medium",
    hourCycle: "h23",
  }).format(instant);
  return {
    zone: format.resolvedOptions().timeZone,
    iso: `${date}T${time}${offset}`,
    offset,
    readable,
    short: `${weekday} ${date} ${time.slice(0, 5)}`,
  };
}

function zoneOf(timezone: string | undefined): string {
  const zone = timezone?.trim() ?? "";
  return zone === "" ? DEFAULT_ZONE : zone;
}
