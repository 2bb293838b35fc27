import { summaryLine, type Membership, type OrgPlanReport, type PlanReport } from "./plan-report";

/** One titled list of a plan, shared by the text and Markdown forms. */
interface Section {
  readonly title: string;
  readonly sign: string;
  readonly items: string[];
}

/** `ML Team/project:chat/role:Evaluator` -> `ML Team gets role Evaluator on project chat`. */
export function grantText(key: string): string {
  const m = /^(.*)\/(organization|project:.*)\/(role|permission):(.*)$/.exec(key);
  if (!m) return key;
  const on = m[2] === "organization" ? "the organization" : `project ${m[2].slice("project:".length)}`;
  const what = m[3] === "role" ? `role ${m[4]}` : `permission ${m[4].replace(":", " on objects of type ")}`;
  return `${m[1]} gets ${what} on ${on}`;
}

const membership = (m: Membership) => `${m.group} ← ${m.email}${m.authoritative ? " (authoritative)" : ""}`;

export function sectionsOf(r: OrgPlanReport): Section[] {
  const why = (email: string) => (r.users.reasons[email] ? `${email} (${REASON_TEXT[r.users.reasons[email]] ?? r.users.reasons[email]})` : email);
  return [
    { title: "Email changes in Okta (the old identity leaves, the new one arrives)", sign: "→", items: r.users.identity_changes.map((c) => `${c.from} → ${c.to}`) },
    { title: "Members to invite", sign: "+", items: r.users.invite },
    { title: "Members to remove", sign: "-", items: r.users.remove.map(why) },
    { title: "Members leaving the sync, kept in Braintrust (remove_extra or deletion_policies)", sign: "~", items: r.users.retain.map(why) },
    { title: "Members leaving the sync, kept (deletion_policies.users.protect)", sign: "~", items: r.users.protected.map(why) },
    { title: "Groups to create", sign: "+", items: r.groups.create },
    { title: "Groups to update (description)", sign: "~", items: r.groups.change },
    { title: "Groups to delete", sign: "-", items: r.groups.delete },
    { title: "Groups leaving the sync, kept in Braintrust (remove_extra or deletion_policies)", sign: "~", items: r.groups.retain },
    { title: "Groups leaving the sync, never deleted (built in, protected, or not created by this tool)", sign: "~", items: r.groups.protected },
    { title: "Roles to create", sign: "+", items: r.roles.create },
    { title: "Roles to update (description, permissions)", sign: "~", items: r.roles.change },
    { title: "Roles to delete", sign: "-", items: r.roles.delete },
    { title: "Roles leaving the sync, kept in Braintrust", sign: "~", items: r.roles.retain },
    { title: "Grants to add", sign: "+", items: r.grants.add.map(grantText) },
    { title: "Grants to remove", sign: "-", items: r.grants.remove.map(grantText) },
    { title: "Grants leaving the sync, kept (not made by this tool, or deletion_policies.acls off)", sign: "~", items: r.grants.retain.map(grantText) },
    { title: "Memberships to add", sign: "+", items: r.memberships.add.map(membership) },
    { title: "Memberships to remove", sign: "-", items: r.memberships.remove.map(membership) },
    { title: "Memberships to remove from authoritative groups (not in Okta; added outside the sync)", sign: "-", items: r.memberships.evict.map(membership) },
    { title: "Memberships leaving the sync, kept (deletion_policies.users.protect)", sign: "~", items: r.memberships.protected.map(membership) },
    { title: "Pending invitees to check again", sign: "?", items: r.pending_checks.map(membership) },
    { title: "Failed earlier, to retry", sign: "↻", items: r.retries.map((x) => `${x.kind} ${x.key}`) },
  ].filter((s) => s.items.length > 0);
}

const REASON_TEXT: Record<string, string> = {
  deactivated: "deactivated in Okta",
  suspended: "suspended in Okta",
  deleted: "no longer in Okta",
  unmapped: "no mapping selects them",
  email_changed: "email changed in Okta",
};

/** The human summary, then the removal guard's warnings. */
export function planText(report: PlanReport): string[] {
  return [...orgsText(report), ...guardText(report)];
}

/** One header line per org, then its lists. */
export function orgsText(report: PlanReport): string[] {
  const lines: string[] = [];
  for (const r of report.orgs) {
    lines.push(`${r.alias}: ${summaryLine(r)}`);
    for (const s of sectionsOf(r)) {
      lines.push(`  ${s.title} (${s.items.length}):`);
      for (const item of s.items) lines.push(`    ${s.sign} ${item}`);
    }
    lines.push("");
  }
  return lines;
}

/** One line per org over the removal limit, ending with what follows from it. */
export function guardText(report: PlanReport, consequence = "apply will stop unless run with --allow-mass-removal."): string[] {
  return report.orgs
    .filter((r) => report.safety.exceeded.includes(r.alias))
    .map(
      (r) =>
        `Removal guard: ${r.alias} would lose ${r.removals} members, groups, memberships, roles or grants, more than safety.max_removals (${report.safety.max_removals}). ` +
        consequence,
    );
}

/** Lists longer than this fold into a <details> block in Markdown, so a PR comment stays readable. */
const FOLD_AFTER = 15;

/** The same summary as Markdown, for a pull-request comment. The first line is a marker a CI job can find to update its comment. */
export function planMarkdown(report: PlanReport, meta: { readonly executionId: string; readonly when: Date }): string {
  const out: string[] = ["<!-- okta-braintrust-sync plan -->", "## okta-braintrust-sync plan", ""];
  out.push(report.has_changes ? "Applying this plan makes the changes below in Braintrust." : "**No changes.** Braintrust matches Okta.");
  out.push("");
  out.push("| Org | Invite | Remove | Groups +/~/− | Memberships +/− | Grants +/− | Pending checks | Retries |");
  out.push("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of report.orgs) {
    out.push(
      `| ${md(r.alias)} | ${r.users.invite.length} | ${r.users.remove.length} | ${r.groups.create.length}/${r.groups.change.length}/${r.groups.delete.length} | ` +
        `${r.memberships.add.length}/${r.memberships.remove.length + r.memberships.evict.length} | ${r.grants.add.length}/${r.grants.remove.length} | ${r.pending_checks.length} | ${r.retries.length} |`,
    );
  }
  for (const line of guardText(report)) out.push("", `> [!WARNING]`, `> ${md(line)}`);
  for (const r of report.orgs.filter((x) => x.has_changes)) {
    out.push("", `### ${md(r.alias)}`, "", md(summaryLine(r)));
    for (const s of sectionsOf(r)) {
      const items = s.items.map((i) => `- ${s.sign === "-" ? "➖" : s.sign === "+" ? "➕" : s.sign} ${md(i)}`);
      if (items.length > FOLD_AFTER) out.push("", `<details><summary>${md(s.title)} (${items.length})</summary>`, "", ...items, "", "</details>");
      else out.push("", `**${md(s.title)}** (${items.length})`, "", ...items);
    }
  }
  out.push("", `<sub>execution ${md(meta.executionId)} · ${meta.when.toISOString()}</sub>`, "");
  return out.join("\n");
}

/**
 * Escapes text for inline Markdown and HTML: names come from Okta and may hold any character. Every
 * use is mid-line (after a list marker or in a table cell), so line-start syntax needs no escape.
 */
export function md(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_[\]|~])/g, "\\$1")
    .replace(/\r?\n/g, " ");
}
