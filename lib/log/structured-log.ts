/**
 * Structured debug logs: one JSON object per line on stderr. `LOG_LEVEL=debug` turns them on, and
 * so does `STRUCTLOG_LEVEL=DEBUG`, the variable the original tool documented. Every line passes
 * through `redact`, so a secret that slips into a message is masked before it is written.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** The level from `LOG_LEVEL`, else `STRUCTLOG_LEVEL` (any case), else `info`. */
export function logLevelFrom(env: NodeJS.ProcessEnv): LogLevel {
  for (const name of ["LOG_LEVEL", "STRUCTLOG_LEVEL"]) {
    const value = env[name]?.trim().toLowerCase();
    if (!value) continue;
    const level = value === "warning" ? "warn" : value === "critical" ? "error" : value;
    if ((LEVELS as readonly string[]).includes(level)) return level as LogLevel;
    throw new Error(`${name}=${env[name]} is not a log level; use one of ${LEVELS.join(", ")}`);
  }
  return "info";
}

/** One HTTP exchange as it is logged: no headers, no bodies, query values of secret-like names masked. */
export interface HttpLogEntry {
  readonly service: "okta" | "braintrust";
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  /** Absent when no response arrived (network error, timeout). */
  readonly status?: number;
  readonly duration_ms: number;
  readonly request_id?: string;
  readonly error?: string;
}

export type HttpLog = (entry: HttpLogEntry) => void;

const MASK = "[REDACTED]";
const SECRET_NAME = /(token|secret|password|passwd|api[-_]?key|authorization|signature|client_assertion)/i;

/** Replaces every occurrence of each secret value (at least 4 characters long) with a mask. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join(MASK);
  return out;
}

/** A query string with the values of secret-like parameter names masked. */
export function redactQuery(params: URLSearchParams): string {
  const copy = new URLSearchParams();
  for (const [k, v] of params) copy.append(k, SECRET_NAME.test(k) ? MASK : v);
  return copy.toString();
}

export interface StructuredLogOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Values that must never be written (API tokens and keys). */
  readonly secrets: readonly string[];
  /** Fields added to every line, e.g. the execution id. */
  readonly fields?: Record<string, unknown>;
  readonly write?: (line: string) => void;
}

/** A debug-level structured logger, or undefined when the level is above debug. */
export function structuredHttpLog(options: StructuredLogOptions): HttpLog | undefined {
  let level: LogLevel;
  try {
    level = logLevelFrom(options.env);
  } catch {
    level = "info"; // the CLI reports a bad level up front; a handler never fails over logging
  }
  if (level !== "debug") return undefined;
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  return (entry) => {
    const line = JSON.stringify({ time: new Date().toISOString(), level: "debug", event: "http_request", ...options.fields, ...entry });
    write(redact(line, options.secrets));
  };
}
