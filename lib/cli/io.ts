/** The command's edges: where lines go, whether a person is watching, the environment. */
export interface Io {
  /** Results: the summary, tables, JSON. */
  out(line?: string): void;
  /** Progress, warnings and errors. */
  err(line: string): void;
  /** Rewrites the current stderr line (progress on a terminal). */
  status(line: string): void;
  readonly interactive: boolean;
  readonly stderrIsTTY: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export function processIo(): Io {
  return {
    out: (line = "") => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    status: (line) => process.stderr.write(`\r\x1b[2K${line}`),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** A failure the user can fix, with the exit code to end on; the message is printed as is. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit codes, as `--help` documents them. */
export const EXIT = { ok: 0, error: 1, changes: 2, guard: 3 } as const;
