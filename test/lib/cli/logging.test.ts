import { describe, expect, it } from "vitest";
import { SANDBOX_ENV } from "../../../sandbox/sample-company";
import { runCli } from "../../support/cli";
import { useSmallSandbox } from "../../support/small-sandbox";

interface LogLine {
  level: string;
  event: string;
  service: string;
  method: string;
  path: string;
  query?: string;
  status?: number;
  duration_ms: number;
  request_id?: string;
  execution_id?: string;
  org?: string;
}

function jsonLines(stderr: string): LogLine[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as LogLine);
}

describe("structured HTTP logs (LOG_LEVEL=debug)", () => {
  const box = useSmallSandbox({ pendingUsersVisible: true }, { checkContract: false });

  it("logs every Okta and Braintrust call of a run as JSON with its execution id, and never a secret", async () => {
    const r = await runCli(box.ws, ["apply", "--auto-approve", "--org", "acme"], { LOG_LEVEL: "debug" });
    expect(r.code, r.stderr).toBe(0);
    const executionId = /Execution (\S+);/.exec(r.stdout)![1];
    const logs = jsonLines(r.stderr);
    const okta = logs.filter((l) => l.service === "okta");
    const braintrust = logs.filter((l) => l.service === "braintrust");
    // Every exchange the servers saw is logged once: the CLI's Okta reads, and the handler's Braintrust calls (passed through from Terraform).
    expect(okta).toHaveLength(box.servers.okta.exchanges.length);
    expect(braintrust).toHaveLength(box.servers.braintrust.exchanges.length);
    for (const l of logs) {
      expect(l).toMatchObject({ level: "debug", event: "http_request", execution_id: executionId });
      expect(l.status).toBe(200);
      expect(typeof l.duration_ms).toBe("number");
    }
    expect(okta[0]).toMatchObject({ method: "GET", path: "/api/v1/users" });
    expect(okta.every((l) => typeof l.request_id === "string")).toBe(true);
    expect(braintrust.every((l) => l.org === "acme")).toBe(true);
    expect(braintrust.map((l) => `${l.method} ${l.path.replace(/[0-9a-f-]{36}/, "<id>")}`)).toContain("PATCH /v1/organization/members");
    for (const secret of Object.values(SANDBOX_ENV)) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it("STRUCTLOG_LEVEL=DEBUG works as the original tool documented; without either, there are no JSON lines", async () => {
    const debug = await runCli(box.ws, ["plan", "--org", "acme"], { STRUCTLOG_LEVEL: "DEBUG" });
    expect(debug.code).toBe(2);
    expect(jsonLines(debug.stderr).filter((l) => l.service === "okta").length).toBeGreaterThan(0);
    const quiet = await runCli(box.ws, ["plan", "--org", "acme"]);
    expect(quiet.code).toBe(2);
    expect(jsonLines(quiet.stderr)).toEqual([]);
  });
});
