import type { ParseArgsConfig } from "node:util";
import type { Io } from "./io";

export type Options = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** One subcommand: its help text, its options (parsed strictly), and what it does. Resolves with the exit code. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  readonly options: Options;
  run(values: Values, io: Io, argv: readonly string[]): Promise<number>;
}

/** Options every command takes. */
export const CONFIG_OPTION: Options = { config: { type: "string", short: "c" } };
export const ORG_OPTION: Options = { org: { type: "string", multiple: true } };

export const CONFIG_HELP: [string, string] = ["-c, --config FILE", "configuration file (default: $SYNC_CONFIG, else ./sync-config.yaml)"];
export const ORG_HELP: [string, string] = ["    --org ALIAS", "only this org alias (repeatable; default: every org in the config)"];
export const HELP_HELP: [string, string] = ["-h, --help", "show this help"];

/** The Options section of a command's help, in one aligned column. */
export function optionLines(rows: readonly [string, string][]): string {
  const width = Math.max(...rows.map(([flags]) => flags.length)) + 2;
  return ["Options:", ...rows.map(([flags, text]) => `  ${flags.padEnd(width)}${text}`)].join("\n");
}

export function positiveInteger(value: string | boolean | string[] | boolean[] | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}
