import { ENV } from "../../providers/braintrust/contract";
import { buildPlanReport, type PlanReport } from "../report/plan-report";
import { Ownership } from "../../providers/braintrust/ownership";
import { orgPaths, synthesize, type SynthResult } from "../synth/synth-app";
import { init, plan, type PlanResult } from "../terraform/terraform-runner";
import { httpLogFor, outdirOf, type Selection } from "./context";
import type { Io } from "./io";

export interface PlannedOrgs {
  readonly synth: SynthResult;
  readonly plans: Record<string, PlanResult>;
  readonly report: PlanReport;
  /** The environment Terraform runs with: the caller's, plus the execution id every handler call records. */
  readonly terraformEnv: NodeJS.ProcessEnv;
}

/** Synthesizes every stack, then `terraform init` and `plan -out` for the selected orgs, reporting progress on stderr. */
export async function planOrgs(io: Io, selection: Selection, executionId: string, options: { text?: boolean } = {}): Promise<PlannedOrgs> {
  const { loaded, aliases } = selection;
  const terraformEnv = { ...io.env, [ENV.executionId]: executionId };
  const started = Date.now();
  io.err(`Reading Okta (${loaded.config.okta.domain}) and synthesizing ${Object.keys(loaded.config.braintrust_orgs).length} org stacks...`);
  const synth = await synthesize({ loaded, env: io.env, outdir: outdirOf(io), log: (l) => io.err(`  ${l}`), httpLog: httpLogFor(io, loaded, executionId) });
  const cached = synth.oktaStats.membersCached ? ` (members of ${synth.oktaStats.membersCached} unchanged groups from the cache)` : "";
  io.err(`Synthesized in ${((Date.now() - started) / 1000).toFixed(1)} s with ${synth.oktaCalls} Okta calls${cached}.`);
  const plans: Record<string, PlanResult> = {};
  for (const alias of aliases) {
    io.err(`${alias}: terraform init and plan...`);
    await init(synth.stackDirs[alias], terraformEnv);
    plans[alias] = await plan(synth.stackDirs[alias], terraformEnv, undefined, options);
  }
  const report = buildPlanReport(
    aliases.map((alias) => {
      const owned = new Ownership(orgPaths(loaded, alias).ownedDir);
      const org = synth.desired.orgs.find((o) => o.alias === alias);
      return {
        alias,
        changes: plans[alias].changes,
        otherChanges: plans[alias].otherChanges,
        removeExtra: loaded.config.sync_options.remove_extra,
        policy: loaded.config.deletion_policies,
        reasons: synth.removalReasons[alias],
        createdByTool: (kind: string, key: string) => owned.owns(kind, key),
        authoritativeGroups: new Set(org?.groups.filter((g) => g.membership === "authoritative").map((g) => g.name)),
      };
    }),
    loaded.config.safety.max_removals,
  );
  return { synth, plans, report, terraformEnv };
}
