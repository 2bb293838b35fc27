import { readManagedOrg, type ManagedOrg } from "../../state/managed-state";
import { orgPaths } from "../../synth/synth-app";
import { textTable } from "../../report/text-table";
import { grantText } from "../../report/render-plan";
import { CONFIG_HELP, CONFIG_OPTION, HELP_HELP, optionLines, ORG_HELP, ORG_OPTION, type Command } from "../command";
import { selectOrgs } from "../context";
import { EXIT, type Io } from "../io";

export const show: Command = {
  name: "show",
  summary: "Show what the tool manages now in each org, from Terraform state (no Okta or API calls)",
  help: `Usage: okta-braintrust-sync show [--config FILE] [--org ALIAS]... [--json]

Reads each org's Terraform state (terraform.state_dir/<alias>.tfstate) and prints what the tool
manages there now: counts, then the groups with their members and the members with their groups,
the roles with their permissions, and the grants.
Also lists invitees whose group memberships wait for them to accept, and changes that failed and
will be retried by the next apply. Makes no network calls and needs no credentials.

${optionLines([
  CONFIG_HELP,
  ORG_HELP,
  ["    --json", "print JSON instead of tables"],
  HELP_HELP,
])}
`,
  options: { ...CONFIG_OPTION, ...ORG_OPTION, json: { type: "boolean" } },
  async run(values, io) {
    const { loaded, aliases } = selectOrgs(io, values.config as string | undefined, values.org as string[] | undefined);
    const orgs = aliases.map((alias) => {
      const paths = orgPaths(loaded, alias);
      return readManagedOrg(alias, paths.stateFile, paths.pendingDir);
    });
    if (values.json) io.out(JSON.stringify({ orgs }, null, 2));
    else orgs.forEach((org, i) => printOrg(io, org, i > 0));
    return EXIT.ok;
  },
};

function printOrg(io: Io, org: ManagedOrg, gap: boolean): void {
  if (gap) io.out();
  if (!org.exists) {
    io.out(`${org.alias}: nothing applied yet (no state at ${org.state_file})`);
    return;
  }
  io.out(`${org.alias}: ${org.members.length} members, ${org.groups.length} groups, ${org.memberships} memberships` +
    `${org.roles.length ? `, ${org.roles.length} roles` : ""}${org.grants.length ? `, ${org.grants.length} grants` : ""}` +
    `${org.pending.length ? `, ${org.pending.length} waiting for an invitee to accept` : ""}${org.failed.length ? `, ${org.failed.length} failed (retried by the next apply)` : ""}`);
  io.out(`  state ${org.state_file} (serial ${org.serial ?? "?"}, last changed ${org.last_changed})`);
  if (org.groups.length) {
    io.out();
    // A membership whose invitee has not accepted is in state but not yet in Braintrust: say so.
    const waiting = new Set(org.pending.map((p) => `${p.group}\u0000${p.email}`));
    const who = (group: string, email: string) => (waiting.has(`${group}\u0000${email}`) ? `${email} (invited)` : email);
    const rows = org.groups.map((g) => [g.name, String(g.members.length), g.description ?? "", g.members.map((m) => who(g.name, m)).join(", ")]);
    for (const line of textTable(["GROUP", "MEMBERS", "DESCRIPTION", "WHO"], rows)) io.out(`  ${line}`);
  }
  if (org.members.length) {
    const groupsOf = new Map<string, string[]>();
    for (const g of org.groups) for (const m of g.members) groupsOf.set(m, [...(groupsOf.get(m) ?? []), g.name]);
    io.out();
    for (const line of textTable(["MEMBER", "GROUPS"], org.members.map((m) => [m, (groupsOf.get(m) ?? []).join(", ")]))) io.out(`  ${line}`);
  }
  if (org.roles.length) {
    io.out();
    for (const line of textTable(["ROLE", "PERMISSIONS", "DESCRIPTION"], org.roles.map((r) => [r.name, r.permissions.join(", "), r.description ?? ""]))) io.out(`  ${line}`);
  }
  if (org.grants.length) {
    io.out();
    io.out("  GRANTS");
    for (const g of org.grants) io.out(`  ${grantText(g)}`);
  }
  if (org.pending.length) {
    io.out();
    for (const line of textTable(["WAITING TO ACCEPT", "GROUP"], org.pending.map((p) => [p.email, p.group]))) io.out(`  ${line}`);
  }
  if (org.failed.length) {
    io.out();
    for (const line of textTable(["FAILED (RETRIED NEXT APPLY)", "KIND"], org.failed.map((f) => [f.key, f.kind]))) io.out(`  ${line}`);
  }
}
