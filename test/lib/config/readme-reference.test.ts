import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../../lib/config/schema";

/* eslint-disable @typescript-eslint/no-explicit-any */
function unwrap(node: any): any {
  while (node?.def && ["default", "optional", "nullable"].includes(node.def.type)) node = node.def.innerType;
  return node;
}

/** Every leaf key path of the schema, written as the README writes them (`<alias>`, `[]`). */
function keyPaths(node: any, prefix: string): string[] {
  node = unwrap(node);
  if (node?.def?.type === "object") {
    return Object.entries(node.shape).flatMap(([k, v]) => keyPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  if (node?.def?.type === "record") return keyPaths(node.def.valueType, `${prefix}.<alias>`);
  if (node?.def?.type === "array" && unwrap(node.def.element)?.def?.type === "object") return keyPaths(node.def.element, `${prefix}[]`);
  return [prefix];
}

describe("the README's configuration reference", () => {
  it("lists every key of the schema, and no key the schema lacks", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Configuration reference"), readme.indexOf("## How it works"));
    const documented = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    // Secret references parse to `{ env }`; the README documents the key itself.
    // A per-org override takes the same keys as global_config: one row says so.
    const perOrgCopy = /\.org_configs\[\]\.(group_assignment|role_project_config)\./;
    const expected = keyPaths(configSchema, "")
      .map((k) => k.replace(/\.env$/, ""))
      .filter((k) => !perOrgCopy.test(k));
    for (const key of expected) expect(documented, `README lacks ${key}`).toContain(key);
    const containers = documented.filter((d) => !expected.includes(d));
    // Rows for containers (an org, a mapping list) are allowed; anything else would be a key the schema lacks.
    expect(containers.sort()).toEqual([
      "braintrust_orgs.<alias>",
      "group_assignment.org_configs[].group_assignment",
      "role_project_assignment.org_configs[].role_project_config",
      "sync_rules.groups.mappings[]",
      "sync_rules.users.mappings[]",
    ]);
  });
});
