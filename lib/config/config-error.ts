/** A configuration problem: names the file and the key, says how to fix it. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
    headline = "invalid configuration",
  ) {
    super(`${file}: ${headline}\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}
