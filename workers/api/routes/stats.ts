/** The owner's usage: totals and a per-day series, aggregated in the database in one call. */
import { createRoute } from "@hono/zod-openapi";
import {
  STATS_DEFAULT_DAYS,
  STATS_MAX_DAYS,
  StatsQuerySchema,
  StatsSchema,
} from "../../../shared/api/stats.ts";
import { usagePerDay, usageTotals } from "../../db/stats.ts";
import { requireOwner } from "../middleware/require-owner.ts";
import { bearerSecurity, createRouter, errorResponses, json } from "../router.ts";

export const statsRoutes = createRouter();
statsRoutes.use("*", requireOwner);

statsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["stats"],
    security: bearerSecurity,
    summary: "Your totals and activity per UTC day, including the tokens your agents' answers used",
    description:
      `\`days\` (1 to ${STATS_MAX_DAYS}, default ${STATS_DEFAULT_DAYS}) UTC days ending today, oldest first; ` +
      "days without activity are listed with zeros. Tokens are the usage the model reported on assistant messages.",
    request: { query: StatsQuerySchema },
    responses: {
      200: { description: "Totals and one entry per day", ...json(StatsSchema) },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const { days } = c.req.valid("query");
    const sql = c.var.db();
    const tenantId = c.var.tenant.id;
    const [totals, perDay] = await Promise.all([
      usageTotals(sql, tenantId),
      usagePerDay(sql, tenantId, days, new Date()),
    ]);
    return c.json({ totals, days: perDay }, 200);
  },
);
