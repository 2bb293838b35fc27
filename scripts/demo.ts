/**
 * `npm run demo`: the whole job on the built-in sandbox, no credentials and no network. Starts a
 * local Okta and a local Braintrust, synthesizes one stack per org, plans and applies them with the
 * real Terraform, changes the directory, and shows the second plan and apply.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig } from "../lib/config/load-config";
import { synthesize } from "../lib/synth/synth-app";
import { applyPlan, init, plan } from "../lib/terraform/terraform-runner";
import { countChanges, describeChanges } from "../lib/terraform/plan-summary";
import { BraintrustServer } from "../sandbox/braintrust-server";
import { OktaServer } from "../sandbox/okta-server";
import { SANDBOX_ENV, SANDBOX_ORGS, sandboxBraintrustOrgs, sandboxConfigYaml, seedSampleCompany } from "../sandbox/sample-company";

const say = (line = "") => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const workdir = resolve(process.env.DEMO_DIR ?? ".demo");
  rmSync(workdir, { recursive: true, force: true });
  mkdirSync(workdir, { recursive: true });
  const okta = new OktaServer({ token: SANDBOX_ENV.OKTA_API_TOKEN });
  const braintrust = new BraintrustServer({ orgs: sandboxBraintrustOrgs() });
  await okta.start();
  await braintrust.start();
  seedSampleCompany(okta);
  const configFile = join(workdir, "sync-config.yaml");
  writeFileSync(configFile, sandboxConfigYaml(okta.url, braintrust.url));
  const env = { ...process.env, ...SANDBOX_ENV };
  say(`Local Okta at ${okta.url} (${okta.users.size} users, ${okta.groups.size} groups); local Braintrust at ${braintrust.url}`);
  say(`Config: ${configFile}`);

  try {
    let ok = await round("First run", configFile, env, workdir, braintrust);

    say("\nMost invitees accept their invitations (two do not yet):");
    for (const org of SANDBOX_ORGS) {
      const pending = braintrust.view(org.name).pending;
      for (const email of pending.slice(0, -1)) braintrust.accept(org.name, email);
      say(`  ${org.alias}: ${pending.length - 1} of ${pending.length} accepted`);
    }

    say("\nChanging the Okta directory:");
    const andrew = okta.userByEmail("andrew.ng@acme.example");
    const tim = okta.userByEmail("tim.berners-lee@acme.example");
    const hire = okta.addUser({ email: "linus.torvalds@acme.example", firstName: "Linus", lastName: "Torvalds", department: "Engineering" });
    okta.addToGroup(okta.groupByName("ml-platform").id, hire.id);
    say("  + linus.torvalds@acme.example joins Engineering and ml-platform");
    okta.removeFromGroup(okta.groupByName("eval-reviewers").id, andrew.id);
    say("  - andrew.ng@acme.example leaves eval-reviewers");
    okta.setStatus(tim.id, "DEPROVISIONED");
    say("  - tim.berners-lee@acme.example is deactivated (remove_extra is false: retained in Braintrust, audited)");
    okta.setGroupDescription(okta.groupByName("ml-research").id, "Trains, evaluates and ships models");
    say("  ~ ml-research gets a new description");

    ok = (await round("Second run", configFile, env, workdir, braintrust)) && ok;
    ok = (await round("Third run (no directory changes: only the still-open invitations are checked again)", configFile, env, workdir, braintrust)) && ok;
    const violations = [...okta.violations, ...braintrust.violations];
    say(`\nContract check against the official API descriptions: ${violations.length === 0 ? "no violations" : violations.join("\n")}`);
    say(`Audit log: ${join(workdir, "logs", "audit")}`);
    return ok && violations.length === 0 ? 0 : 1;
  } finally {
    await okta.stop();
    await braintrust.stop();
  }
}

async function round(title: string, configFile: string, env: NodeJS.ProcessEnv, workdir: string, braintrust: BraintrustServer): Promise<boolean> {
  say(`\n== ${title} ==`);
  const loaded = loadConfig(configFile, env);
  const started = Date.now();
  const result = await synthesize({ loaded, env, outdir: join(workdir, "cdktf.out"), log: (l) => say(`  ${l}`) });
  say(`Synthesized ${Object.keys(result.stackDirs).length} stacks from ${result.oktaCalls} Okta calls in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let ok = true;
  for (const [alias, dir] of Object.entries(result.stackDirs)) {
    await init(dir, env);
    const p = await plan(dir, env);
    const n = countChanges(p.changes);
    say(`\n[${alias}] plan: ${p.changes.length === 0 ? "no changes" : `${n.create} to add, ${n.replace} to replace, ${n.delete} to remove`}`);
    for (const line of describeChanges(p.changes)) say(`  ${line}`);
    if (p.changes.length === 0) continue;
    const applied = await applyPlan(dir, env, p.planFile);
    const summary = applied.stdout.split("\n").find((l) => l.startsWith("Apply complete")) ?? applied.stderr.trim().split("\n").slice(-3).join(" ");
    say(`[${alias}] apply: ${summary}`);
    if (applied.code !== 0) ok = false;
    const org = SANDBOX_ORGS.find((o) => o.alias === alias)!;
    const view = braintrust.view(org.name);
    say(`[${alias}] Braintrust now: ${view.members.length} members, ${view.pending.length} pending invitations`);
    for (const [name, g] of Object.entries(view.groups)) say(`    ${name.padEnd(18)} ${g.members.length} members${g.description ? `  (${g.description})` : ""}`);
  }
  return ok;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`demo failed: ${e.message}\n`);
    process.exit(1);
  },
);
