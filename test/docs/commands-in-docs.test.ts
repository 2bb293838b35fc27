import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { COMMANDS } from "../../lib/cli/main";

const ROOT = join(__dirname, "..", "..");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

const DOCS = [join(ROOT, "README.md"), ...filesUnder(join(ROOT, "examples"))];

/** Every `okta-braintrust-sync <command> ...` the docs show, and the README's command table rows. */
function invocations(): { file: string; command: string; flags: string[] }[] {
  const found: { file: string; command: string; flags: string[] }[] = [];
  for (const file of DOCS) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:^[ \t]*|npx |\$ |`)okta-braintrust-sync (\w+)((?:[ \t]+(?:\[|--|\$\{\{)[^\n#|]*)?)/gm)) found.push({ file, command: m[1], flags: [...m[2].matchAll(/--[a-z-]+/g)].map((f) => f[0]) });
    for (const m of text.matchAll(/^\| `(\w+)( [^`]*)?` \|/gm)) {
      if (COMMANDS.some((c) => c.name === m[1])) found.push({ file, command: m[1], flags: [...(m[2] ?? "").matchAll(/--[a-z-]+/g)].map((f) => f[0]) });
    }
  }
  return found;
}

describe("the README and examples/", () => {
  it("use only commands and flags the command has", () => {
    const uses = invocations();
    expect(uses.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const u of uses) {
      const command = COMMANDS.find((c) => c.name === u.command);
      if (!command) {
        problems.push(`${u.file}: unknown command ${u.command}`);
        continue;
      }
      for (const flag of u.flags) if (!(flag.slice(2) in command.options) && flag !== "--help") problems.push(`${u.file}: ${u.command} has no ${flag}`);
    }
    expect(problems).toEqual([]);
  });

  it("document every command", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const c of COMMANDS) expect(readme).toMatch(new RegExp(`^\\| \`${c.name}[ \`]`, "m"));
  });

  it("hold CI files that are valid YAML", () => {
    for (const file of DOCS.filter((f) => /\.ya?ml$/.test(f))) expect(parseDocument(readFileSync(file, "utf8")).errors, file).toEqual([]);
  });
});
