import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CLI, type CliResult } from "../../support/cli";
import type { Workspace } from "../../support/workspace";
import { useSmallSandbox } from "../../support/small-sandbox";

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing `input`. */
function onTerminal(ws: Workspace, args: string[], input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
    const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: ws.dir, env: ws.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr: "" }));
    child.stdin.write(input);
  });
}

describe("apply on a terminal", () => {
  const box = useSmallSandbox({ pendingUsersVisible: true }, { checkContract: false });

  it("asks for confirmation: anything but yes cancels and changes nothing; yes applies with progress in place", async () => {
    const declined = await onTerminal(box.ws, ["apply", "--org", "acme"], "y\n");
    expect(declined.code).toBe(1);
    expect(declined.stdout).toContain('Apply these changes to acme? Only "yes" is accepted: ');
    expect(declined.stdout).toContain("Apply cancelled; nothing was changed.");
    expect(box.servers.braintrust.view("Acme").pending).toEqual([]);

    const accepted = await onTerminal(box.ws, ["apply", "--org", "acme"], "yes\n");
    expect(accepted.code, accepted.stdout).toBe(0);
    // On a terminal the progress line is rewritten in place rather than printed line after line.
    expect(accepted.stdout).toContain("\r\x1b[2Kacme: 7/7 instances done (100%)");
    expect(accepted.stdout).toMatch(/acme +applied +7\/7 +0 /);
    expect(box.servers.braintrust.view("Acme").pending).toEqual(["alice@example.com", "bob@example.com"]);
  });
});
