/**
 * Okta's `search` expression language, the part the sync uses: `attr op "value"` with eq, sw, co,
 * gt, ge, lt, le, `attr pr`, joined by `and` / `or` with parentheses (no `ne`, as in Okta).
 */
export type SearchExpr =
  | { op: "and" | "or"; left: SearchExpr; right: SearchExpr }
  | { op: "eq" | "sw" | "co" | "gt" | "ge" | "lt" | "le"; attribute: string; value: string }
  | { op: "pr"; attribute: string };

const COMPARISONS = new Set(["eq", "sw", "co", "gt", "ge", "lt", "le"]);

export function parseSearch(text: string): SearchExpr {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = () => tokens[i++];

  const primary = (): SearchExpr => {
    const t = take();
    if (t === undefined) throw new Error("unexpected end of expression");
    if (t === "(") {
      const e = or();
      if (take() !== ")") throw new Error("missing )");
      return e;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(t)) throw new Error(`expected an attribute, got ${t}`);
    const op = take()?.toLowerCase();
    if (op === "pr") return { op: "pr", attribute: t };
    if (!op || !COMPARISONS.has(op)) throw new Error(`unsupported operator ${op ?? "(none)"} after ${t}`);
    const v = take();
    if (v === undefined || !v.startsWith('"')) throw new Error(`expected a quoted value after ${t} ${op}`);
    return { op: op as "eq", attribute: t, value: JSON.parse(v) as string };
  };
  const and = (): SearchExpr => {
    let left = primary();
    while (peek()?.toLowerCase() === "and") {
      take();
      left = { op: "and", left, right: primary() };
    }
    return left;
  };
  const or = (): SearchExpr => {
    let left = and();
    while (peek()?.toLowerCase() === "or") {
      take();
      left = { op: "or", left, right: and() };
    }
    return left;
  };
  const e = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]}`);
  return e;
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|\(|\)|[^\s()"]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    out.push(m[1]);
    end = re.lastIndex;
  }
  const rest = text.slice(end).trim();
  if (rest) throw new Error(`cannot read ${rest}`);
  return out;
}
