import { describe, expect, it } from "vitest";
import { logLevelFrom, redact, redactQuery, structuredHttpLog } from "../../../lib/log/structured-log";

describe("structured logs", () => {
  it("take the level from LOG_LEVEL, else STRUCTLOG_LEVEL, in any case; a bad value is an error naming the variable", () => {
    expect(logLevelFrom({})).toBe("info");
    expect(logLevelFrom({ LOG_LEVEL: "DEBUG" })).toBe("debug");
    expect(logLevelFrom({ STRUCTLOG_LEVEL: "DEBUG" })).toBe("debug");
    expect(logLevelFrom({ LOG_LEVEL: "warning", STRUCTLOG_LEVEL: "DEBUG" })).toBe("warn");
    expect(() => logLevelFrom({ STRUCTLOG_LEVEL: "chatty" })).toThrow("STRUCTLOG_LEVEL=chatty is not a log level; use one of debug, info, warn, error");
  });

  it("mask secret values wherever they appear, and the values of secret-like query parameters", () => {
    expect(redact("Authorization: SSWS abcd1234 and abcd1234 again", ["abcd1234"])).toBe("Authorization: SSWS [REDACTED] and [REDACTED] again");
    expect(redact("abc", ["", "ab"])).toBe("abc"); // too short to mask safely
    expect(redactQuery(new URLSearchParams("search=a&api_key=k&access_token=t&limit=1"))).toBe("search=a&api_key=%5BREDACTED%5D&access_token=%5BREDACTED%5D&limit=1");
  });

  it("write one JSON line per exchange at debug level only, with the secrets masked", () => {
    const lines: string[] = [];
    const log = structuredHttpLog({ env: { LOG_LEVEL: "debug" }, secrets: ["s3cr3t-key"], fields: { execution_id: "e1" }, write: (l) => lines.push(l) });
    log!({ service: "braintrust", method: "GET", path: "/v1/user", query: "email=s3cr3t-key", status: 200, duration_ms: 3 });
    expect(JSON.parse(lines[0])).toMatchObject({ level: "debug", event: "http_request", execution_id: "e1", service: "braintrust", query: "email=[REDACTED]", status: 200 });
    expect(structuredHttpLog({ env: {}, secrets: [] })).toBeUndefined();
    // A handler never fails over a bad level: it logs nothing (the CLI reports the bad value).
    expect(structuredHttpLog({ env: { LOG_LEVEL: "loud" }, secrets: [] })).toBeUndefined();
  });
});
