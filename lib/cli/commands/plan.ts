import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { planMarkdown, planText } from "../../report/render-plan";
import { CONFIG_HELP, CONFIG_OPTION, HELP_HELP, optionLines, ORG_HELP, ORG_OPTION, type Command } from "../command";
import { selectOrgs } from "../context";
import { EXIT } from "../io";
import { planOrgs } from "../plan-orgs";
import { RunRecord } from "../run-record";

export const plan: Command = {
  name: "plan",
  summary: "Read Okta, plan every org with Terraform, and print the changes in Braintrust's terms",
  help: `Usage: okta-braintrust-sync plan [--config FILE] [--org ALIAS]... [--out FILE.md] [--json] [--verbose]

Reads Okta, synthesizes one stack per org into ./cdktf.out, and runs terraform init and plan (saved
as cdktf.out/stacks/<alias>/sync.tfplan) for each selected org. Prints, per org, the members to
invite or remove, the groups to create, update or delete, and the memberships to add or remove.

Exit status: 0 = no changes, 2 = changes, 1 = error (as terraform plan -detailed-exitcode).

${optionLines([
  CONFIG_HELP,
  ORG_HELP,
  ["    --out FILE.md", "also write the summary as Markdown (for a pull-request comment)"],
  ["    --json", "print the summary as JSON on stdout (progress stays on stderr)"],
  ["    --verbose", "also print Terraform’s own plan output"],
  HELP_HELP,
])}
`,
  options: { ...CONFIG_OPTION, ...ORG_OPTION, out: { type: "string" }, json: { type: "boolean" }, verbose: { type: "boolean" } },
  async run(values, io, argv) {
    const selection = selectOrgs(io, values.config as string | undefined, values.org as string[] | undefined);
    const record = new RunRecord("plan", [...argv], selection.loaded);
    try {
      const { report, plans } = await planOrgs(io, selection, record.executionId, { text: values.verbose === true });
      record.planned(report);
      if (values.json) io.out(JSON.stringify({ execution_id: record.executionId, ...report }, null, 2));
      else {
        io.out();
        for (const line of planText(report)) io.out(line);
        if (values.verbose) for (const alias of selection.aliases) io.out(`--- terraform plan: ${alias} ---\n${plans[alias].text}`);
      }
      if (values.out) {
        const file = resolve(io.cwd, values.out as string);
        writeFileSync(file, planMarkdown(report, { executionId: record.executionId, when: record.startedAt }));
        io.err(`Wrote the plan as Markdown to ${file}`);
      }
      record.finish(report.has_changes ? "changes_planned" : "no_changes");
      return report.has_changes ? EXIT.changes : EXIT.ok;
    } catch (e) {
      record.finish("error", (e as Error).message);
      throw e;
    }
  },
};
