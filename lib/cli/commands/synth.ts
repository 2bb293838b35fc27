import { synthesize } from "../../synth/synth-app";
import { CONFIG_HELP, CONFIG_OPTION, HELP_HELP, optionLines, type Command } from "../command";
import { httpLogFor, outdirOf, selectOrgs } from "../context";
import { EXIT } from "../io";

export const synth: Command = {
  name: "synth",
  summary: "Read Okta and write one Terraform stack per org to ./cdktf.out (what cdktf synth does)",
  help: `Usage: okta-braintrust-sync synth [--config FILE]

Reads Okta and writes one Terraform stack per org to ./cdktf.out/stacks/<alias>/cdk.tf.json, as
cdktf synth does. Run terraform in a stack directory yourself, or use plan and apply.

${optionLines([
  CONFIG_HELP,
  HELP_HELP,
])}
`,
  options: { ...CONFIG_OPTION },
  async run(values, io) {
    const { loaded } = selectOrgs(io, values.config as string | undefined, undefined);
    const outdir = outdirOf(io);
    const result = await synthesize({ loaded, env: io.env, outdir, log: (l) => io.err(l), httpLog: httpLogFor(io, loaded) });
    io.out(`Synthesized ${Object.keys(result.stackDirs).length} stacks (${result.oktaCalls} Okta calls) into ${outdir}`);
    return EXIT.ok;
  },
};
