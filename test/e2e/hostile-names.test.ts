import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startServers, type LocalServers } from "../support/servers";
import { memberOutcomes, Workspace } from "../support/workspace";
import { smallConfig } from "../support/small-directory";

describe("names from Okta are plain data all the way to Braintrust", () => {
  let servers: LocalServers;
  let ws: Workspace;
  const marker = join(mkdtempSync(join(tmpdir(), "obsync-marker-")), "pwned");

  beforeEach(async () => {
    servers = await startServers({ pendingUsersVisible: true });
    ws = new Workspace();
    ws.writeConfig(
      smallConfig(servers.okta.url, servers.braintrust.url, { removeExtra: true }).replace(
        `okta_group_filter: 'profile.name eq "ml-team" or profile.name eq "evals"'`,
        `okta_group_filter: 'profile.description eq "hostile"'`,
      ) +
        // Project names come from Braintrust into grant keys and specs: as hostile as group names.
        "role_project_assignment:\n  global_config:\n    group_assignments:\n      - { group_name: Engineers, permission: read, project_match: { all_projects: true } }\n",
    );
  });

  afterEach(async () => {
    expect([...servers.okta.violations, ...servers.braintrust.violations]).toEqual([]);
    await servers.stop();
  });

  it("emails and group names holding $(...), backticks, quotes, spaces, template sequences and non-ASCII text are handled as data: nothing is executed", async () => {
    const groupNames = [
      `ops $(touch ${marker})`,
      "`touch " + marker + "`",
      `quote's "double" group`,
      "a${b} and %{ if x }",
      "Ünïcødé グループ",
      "back\\slash; rm -rf /tmp/nothing",
    ];
    // Okta's description gives profile.email the "email" format, which rules out spaces, parentheses
    // and non-ASCII there; backticks, quotes, `$` and braces are valid and go in.
    const emails = ["o'brien$HOME@example.com", "`touch${IFS}" + "pwned`@example.com", "${env.HOME}@example.com", "a%{b}'@example.com", "x$x{y}|z&@example.com"];
    const groups = groupNames.map((n) => servers.okta.addGroup(n, "hostile"));
    const users = emails.map((email, i) => {
      const u = servers.okta.addUser({ email, department: "Engineering" });
      servers.okta.addToGroup(groups[i % groups.length].id, u.id);
      return u;
    });
    const projects = [`p $(touch ${marker})`, "q ${x} %{ if y }", "r `touch " + marker + "`"];
    for (const p of projects) servers.braintrust.addProject("Acme", p);

    const { results } = await ws.sync();
    expect(results.acme.code, results.acme.stdout + results.acme.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);

    const acme = servers.braintrust.view("Acme");
    expect(acme.pending).toEqual(emails.map((e) => e.toLowerCase()).sort());
    for (const name of groupNames) expect(Object.keys(acme.groups)).toContain(name);
    expect(acme.groups[groupNames[0]].members).toEqual([emails[0].toLowerCase()]);
    expect(acme.groups["a${b} and %{ if x }"].members).toEqual(["a%{b}'@example.com"]);
    expect(acme.groups["a${b} and %{ if x }"].description).toBe("hostile");

    expect(servers.braintrust.grants("Acme")).toEqual(projects.map((p) => `Engineers on project:${p} permission:read`).sort());

    // The plan converges: the escaped names read back as the same keys.
    expect((await ws.plan()).changes.acme).toEqual([]);

    // A hostile email leaving carries its removal reason in the destroy provisioner's literal environment.
    servers.okta.setStatus(users[2].id, "DEPROVISIONED");
    const again = await ws.sync();
    expect(again.results.acme.code, again.results.acme.stdout + again.results.acme.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(servers.braintrust.view("Acme").pending).not.toContain(emails[2].toLowerCase());
    expect(memberOutcomes(ws.auditEvents())).toEqual({ [emails[2].toLowerCase()]: { outcome: "removed", org: "acme", reason: "deactivated" } });
  });
});
