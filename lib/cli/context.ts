import { resolve } from "node:path";
import { loadConfig, resolveConfigPath, type LoadedConfig } from "../config/load-config";
import { logLevelFrom, structuredHttpLog, type HttpLog } from "../log/structured-log";
import { CliError, type Io } from "./io";

/** The config and the org aliases a command works on (all, or those named by `--org`). */
export interface Selection {
  readonly loaded: LoadedConfig;
  readonly aliases: string[];
}

export function selectOrgs(io: Io, configFlag: string | undefined, orgFlags: readonly string[] | undefined): Selection {
  logLevelFrom(io.env); // a bad LOG_LEVEL is an error before any work, not a silent default
  const loaded = loadConfig(resolveConfigPath(configFlag, io.env, io.cwd), io.env);
  const known = Object.keys(loaded.config.braintrust_orgs);
  const unknown = (orgFlags ?? []).filter((a) => !known.includes(a));
  if (unknown.length) {
    throw new CliError(`okta-braintrust-sync: --org ${unknown.join(", ")}: not an org alias of ${loaded.file} (aliases: ${known.join(", ")})`);
  }
  const aliases = orgFlags?.length ? known.filter((a) => orgFlags.includes(a)) : known;
  return { loaded, aliases };
}

/** Every secret value the config names, for redaction. */
export function secretsOf(loaded: LoadedConfig, env: NodeJS.ProcessEnv): string[] {
  const names = [loaded.config.okta.api_token.env, ...Object.values(loaded.config.braintrust_orgs).map((o) => o.api_key.env)];
  return names.map((n) => env[n]).filter((v): v is string => Boolean(v));
}

/** The structured HTTP log of this process (LOG_LEVEL=debug), tagged with the execution id. */
export function httpLogFor(io: Io, loaded: LoadedConfig, executionId?: string): HttpLog | undefined {
  return structuredHttpLog({ env: io.env, secrets: secretsOf(loaded, io.env), fields: executionId ? { execution_id: executionId } : {}, write: io.err });
}

/** Where cdktf-compatible output goes: `./cdktf.out` beside where the command runs. */
export function outdirOf(io: Io): string {
  return resolve(io.cwd, "cdktf.out");
}
