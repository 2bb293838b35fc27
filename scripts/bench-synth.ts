/**
 * One synth, measured in its own process (so peak memory is the synth's alone). Used by
 * `npm run bench`; prints one JSON line: wall time, peak resident set size, Okta calls, cache use.
 */
import { loadConfig } from "../lib/config/load-config";
import { synthesize } from "../lib/synth/synth-app";

async function main(): Promise<void> {
  const [configFile, outdir] = process.argv.slice(2);
  const started = process.hrtime.bigint();
  const result = await synthesize({ loaded: loadConfig(configFile, process.env), env: process.env, outdir });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const org = result.desired.orgs[0];
  process.stdout.write(
    JSON.stringify({
      ms,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      oktaCalls: result.oktaCalls,
      ...result.oktaStats,
      members: org?.members.length ?? 0,
      groups: org?.groups.length ?? 0,
      memberships: org?.memberships.length ?? 0,
    }) + "\n",
  );
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`bench-synth: ${e.message}\n`);
    process.exit(1);
  },
);
