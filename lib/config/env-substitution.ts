/**
 * `${VAR}` and `${VAR:default}` substitution in string values (prior-art.md A.4), and secret
 * references: a secret key must be exactly `${VAR}`; it becomes `{ env: "VAR" }` so that the value
 * itself never enters the config, the synthesized files, plans or state.
 */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}/g;
const SECRET_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

export type PathPart = string | number;

export function formatPath(path: readonly PathPart[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out || "(top level)";
}

/** True for the keys that hold credentials: `okta.api_token` and `braintrust_orgs.<alias>.api_key`. */
export function isSecretPath(path: readonly PathPart[]): boolean {
  return (path.length === 2 && path[0] === "okta" && path[1] === "api_token") || (path.length === 3 && path[0] === "braintrust_orgs" && path[2] === "api_key");
}

export function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, problems: string[], path: PathPart[] = []): unknown {
  if (isSecretPath(path)) return secretReference(value, path, problems);
  if (typeof value === "string") {
    return value.replace(REFERENCE, (whole, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== "") return v;
      if (fallback !== undefined) return fallback;
      problems.push(`${formatPath(path)}: environment variable ${name} is not set (write \${${name}:default} to give a default)`);
      return whole;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, problems, [...path, i]));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, problems, [...path, k])]));
  }
  return value;
}

function secretReference(value: unknown, path: PathPart[], problems: string[]): unknown {
  const where = formatPath(path);
  const suggested = path[0] === "okta" ? "OKTA_API_TOKEN" : `BRAINTRUST_API_KEY_${String(path[1]).toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
  if (typeof value !== "string") {
    problems.push(`${where}: expected an environment reference such as \${${suggested}}`);
    return { env: "" }; // reported here; keeps the schema from reporting it again
  }
  const m = SECRET_REF.exec(value.trim());
  if (!m) {
    problems.push(
      `${where}: a literal secret is not accepted; write \${${suggested}} and export ${suggested}, so that the value stays out of synthesized files, plans and state`,
    );
    return { env: "" }; // never the literal: it must not travel further, even in an error
  }
  return { env: m[1] };
}
