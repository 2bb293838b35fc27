import { spawn } from "node:child_process";
import { join } from "node:path";
import type { Workspace } from "./workspace";

/** The built command, as `npm run build` leaves it. */
export const CLI = join(__dirname, "..", "..", "dist", "lib", "cli", "main.js");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI in the workspace directory, as a user would (no terminal: stdin is /dev/null). */
export function runCli(ws: Workspace, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ws.dir, env: { ...ws.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
