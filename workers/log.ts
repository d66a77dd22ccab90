/**
 * Structured JSON logs: one object per line carrying the ids that tie a line to a request,
 * trace, tenant, session and task where they are known.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry `fields` (e.g. tenant_id once the token is verified). */
  with(fields: LogFields): Logger;
}

export function createLogger(base: LogFields = {}): Logger {
  const write = (level: "info" | "warn" | "error", message: string, fields?: LogFields) => {
    const line = JSON.stringify({
      level,
      message,
      time: new Date().toISOString(),
      ...base,
      ...fields,
    });
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    with: (fields) => createLogger({ ...base, ...fields }),
  };
}
