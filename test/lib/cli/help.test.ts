import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../support/cli";
import { Workspace } from "../../support/workspace";

describe("the command's help and argument errors", () => {
  const ws = new Workspace();

  it("--help lists every command and the exit codes, and each command has its own help", async () => {
    const top = await runCli(ws, ["--help"]);
    expect(top.code).toBe(0);
    for (const name of ["validate", "plan", "apply", "show", "status", "synth"]) expect(top.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    expect(top.stdout).toContain("Exit status: 0 = success (plan: no changes), 1 = error, 2 = plan found changes,");
    const apply = await runCli(ws, ["apply", "--help"]);
    expect(apply.code).toBe(0);
    for (const flag of ["--auto-approve", "--dry-run", "--max-concurrent N", "--continue-on-error", "--allow-mass-removal", "--org ALIAS", "--config FILE"]) {
      expect(apply.stdout).toContain(flag);
    }
    const viaHelp = await runCli(ws, ["help", "status"]);
    expect(viaHelp.stdout).toContain("Usage: okta-braintrust-sync status [--config FILE] [--limit N] [--json]");
  });

  it("an unknown command or option exits 1 and says what to run instead", async () => {
    const unknown = await runCli(ws, ["sync"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('okta-braintrust-sync: unknown command "sync"; the commands are validate, plan, apply, show, status, synth (see --help)\n');
    const badFlag = await runCli(ws, ["plan", "--auto-approve"]);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toContain("okta-braintrust-sync plan: Unknown option '--auto-approve'");
    expect(badFlag.stderr).toContain("Run okta-braintrust-sync plan --help for its options.");
    const badNumber = await runCli(ws, ["apply", "--max-concurrent", "0"]);
    expect(badNumber.code).toBe(1);
    expect(badNumber.stderr).toContain('--max-concurrent must be a positive whole number, got "0"');
    const noConfig = await runCli(ws, ["show"]);
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toBe(`${join(ws.dir, "sync-config.yaml")}: cannot read the configuration\n  - file not found; pass --config FILE or set SYNC_CONFIG (default ./sync-config.yaml)\n`);
  });

  it("a bad LOG_LEVEL is an error before any work", async () => {
    ws.writeConfig("okta: {}\n");
    const r = await runCli(ws, ["plan"], { LOG_LEVEL: "loud" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("LOG_LEVEL=loud is not a log level; use one of debug, info, warn, error");
  });
});
