/**
 * The CDKTF app entry (`cdktf synth | diff | deploy`): reads the config named by SYNC_CONFIG
 * (default ./sync-config.yaml), reads Okta, and writes one stack per Braintrust org.
 */
import { loadConfig, resolveConfigPath } from "./lib/config/load-config";
import { synthesize } from "./lib/synth/synth-app";

async function main(): Promise<void> {
  const loaded = loadConfig(resolveConfigPath(undefined, process.env), process.env);
  await synthesize({
    loaded,
    env: process.env,
    outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

main().catch((e: Error) => {
  process.stderr.write(`okta-braintrust-sync: ${e.message}\n`);
  process.exit(1);
});
