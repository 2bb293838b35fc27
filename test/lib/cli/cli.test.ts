import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startServers, type LocalServers } from "../../support/servers";
import { Workspace } from "../../support/workspace";
import { seedSmallDirectory, smallConfig } from "../../support/small-directory";

const CLI = join(__dirname, "..", "..", "..", "dist", "lib", "cli", "main.js");

function cli(ws: Workspace, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ws.dir, env: ws.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

describe("the okta-braintrust-sync command", () => {
  let servers: LocalServers;
  let ws: Workspace;

  beforeEach(async () => {
    servers = await startServers({ pendingUsersVisible: true });
    seedSmallDirectory(servers.okta);
    ws = new Workspace();
    ws.writeConfig(smallConfig(servers.okta.url, servers.braintrust.url));
  });

  afterEach(async () => {
    await servers.stop();
  });

  it("plan exits 2 with changes, apply refuses without a terminal, applies with --auto-approve, and plan then exits 0", async () => {
    const planned = await cli(ws, ["plan", "--org", "acme"]);
    expect(planned.code, planned.stderr).toBe(2);
    expect(planned.stdout).toContain("acme: 8 to add, 0 to replace, 0 to remove");
    expect(planned.stdout).toContain("+ add to group                ml-team/alice@example.com");
    expect(planned.stdout).not.toContain("research:");

    const refused = await cli(ws, ["apply"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("okta-braintrust-sync: refusing to apply without a terminal to confirm on; pass --auto-approve");
    expect(servers.braintrust.view("Acme").pending).toEqual([]);

    const applied = await cli(ws, ["apply", "--auto-approve"]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("acme: Apply complete! Resources: 8 added, 0 changed, 0 destroyed.");
    expect(servers.braintrust.view("Acme").groups["ml-team"].members).toEqual(["alice@example.com"]);

    const again = await cli(ws, ["plan"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("acme: no changes");
  });

  it("names an unknown config key and an unknown org alias, and exits 1", async () => {
    ws.writeConfig(smallConfig(servers.okta.url, servers.braintrust.url).replace("remove_extra:", "remove_extras:"));
    const bad = await cli(ws, ["plan"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("sync_options.remove_extras: unknown key (did you mean remove_extra?)");
    ws.writeConfig(smallConfig(servers.okta.url, servers.braintrust.url));
    const unknownOrg = await cli(ws, ["plan", "--org", "nope"]);
    expect(unknownOrg.code).toBe(1);
    expect(unknownOrg.stderr).toContain("--org nope: not an org alias of");
  });
});
