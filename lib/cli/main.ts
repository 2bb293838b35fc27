#!/usr/bin/env node
/**
 * The okta-braintrust-sync command line: validate, plan, apply, show, status (and synth), over the
 * same synth and the real Terraform that `cdktf diff` / `cdktf deploy` use.
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../config/config-error";
import type { Command, Values } from "./command";
import { apply } from "./commands/apply";
import { plan } from "./commands/plan";
import { show } from "./commands/show";
import { status } from "./commands/status";
import { synth } from "./commands/synth";
import { validate } from "./commands/validate";
import { CliError, EXIT, processIo, type Io } from "./io";

export const COMMANDS: readonly Command[] = [validate, plan, apply, show, status, synth];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: okta-braintrust-sync <command> [options]

Keeps Braintrust organizations in step with Okta users and groups, through Terraform.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run okta-braintrust-sync <command> --help for a command's options.

Global options:
  -h, --help       show this help
  -v, --version    show the version

Exit status: 0 = success (plan: no changes), 1 = error, 2 = plan found changes,
3 = apply stopped by the removal guard (safety.max_removals).

Environment:
  the variables your config names   the Okta token and one Braintrust API key per org
  SYNC_CONFIG                       config file when --config is not given (default ./sync-config.yaml)
  TERRAFORM_BINARY                  the Terraform to run (default terraform; tofu works)
  LOG_LEVEL=debug                   structured JSON logs of every HTTP call on stderr, secrets redacted
                                    (STRUCTLOG_LEVEL=DEBUG works too)
`;
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "-v" || first === "--version") {
    io.out(require("../../../package.json").version);
    return EXIT.ok;
  }
  if (first === undefined || first === "-h" || first === "--help" || first === "help") {
    const topic = first === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(topic ? topic.help : help());
    return first === undefined ? EXIT.error : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.err(`okta-braintrust-sync: unknown command "${first}"; the commands are ${COMMANDS.map((c) => c.name).join(", ")} (see --help)`);
    return EXIT.error;
  }
  let values: Values;
  try {
    const parsed = parseArgs({ args: [...rest], allowPositionals: false, strict: true, options: { ...command.options, help: { type: "boolean", short: "h" } } });
    values = parsed.values as Values;
  } catch (e) {
    io.err(`okta-braintrust-sync ${command.name}: ${(e as Error).message}\nRun okta-braintrust-sync ${command.name} --help for its options.`);
    return EXIT.error;
  }
  if (values.help) {
    io.out(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(values, io, argv);
  } catch (e) {
    if (e instanceof ConfigError) io.err(e.message);
    else if (e instanceof CliError) io.err(e.message);
    else io.err(`okta-braintrust-sync ${command.name}: ${(e as Error).message}`);
    return e instanceof CliError ? e.exitCode : EXIT.error;
  }
}

if (require.main === module) {
  // Exit explicitly: idle keep-alive sockets must not hold the process open (pipes and files are written synchronously on Linux).
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
