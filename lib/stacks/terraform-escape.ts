/**
 * Terraform's JSON syntax reads `${` and `%{` in *any* string, map keys included, as the start of a
 * template sequence (DESIGN.md fact 6). Data from Okta must reach cdk.tf.json escaped (`$${`,
 * `%%{`) so that a group named `a${b}` is a name, not a reference.
 */
export function escapeTemplate(s: string): string {
  // Replacement functions, not strings: in a replacement string "$$" means one "$".
  return s.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** Escapes every string, keys included, of a JSON-like value. */
export function escapeDeep<T>(value: T): T {
  if (typeof value === "string") return escapeTemplate(value) as T;
  if (Array.isArray(value)) return value.map(escapeDeep) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [escapeTemplate(k), escapeDeep(v)])) as T;
  }
  return value;
}
