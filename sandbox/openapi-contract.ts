import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

/** The official API descriptions, copied unchanged from shared/specs (a test checks they match). */
export const SPEC_DIR = [join(__dirname, "specs"), join(__dirname, "..", "..", "sandbox", "specs")].find((d) => existsSync(d)) ?? join(__dirname, "specs");

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Route {
  readonly template: string;
  readonly regex: RegExp;
  readonly params: number;
}

/**
 * Checks requests and responses against an OpenAPI 3.0 document: the path and method exist, query
 * parameters are declared and required ones present, and JSON bodies match their schemas. The local
 * servers run every exchange through it and keep the violations for the tests to assert on.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly spec: any;
  private readonly routes: Route[];
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(
    readonly name: string,
    specFile: string,
    /** Statuses the service is known to send although the description omits them (said where this is set). */
    private readonly knownUndocumented: readonly number[] = [],
  ) {
    this.spec = nullableToJsonSchema(JSON.parse(readFileSync(specFile, "utf8")));
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.spec, name);
    this.routes = Object.keys(this.spec.paths)
      .map((template) => ({
        template,
        params: (template.match(/\{/g) ?? []).length,
        regex: new RegExp("^" + template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+") + "$"),
      }))
      .sort((a, b) => a.params - b.params);
  }

  static braintrust(): OpenApiContract {
    return new OpenApiContract("braintrust", join(SPEC_DIR, "braintrust-openapi.json"));
  }

  static okta(): OpenApiContract {
    // Okta's error-code list documents 500 E0000009 and 503 E0000010 (okta-api.md section 6), but the
    // description declares no 5xx on these operations: a known difference, not a violation.
    return new OpenApiContract("okta", join(SPEC_DIR, "okta-management-subset.json"), [500, 503]);
  }

  /** The path template a concrete path matches, literal paths first (`/v1/acl/list_org` before `/v1/acl/{acl_id}`). */
  route(path: string): string | undefined {
    return this.routes.find((r) => r.regex.test(path))?.template;
  }

  checkRequest(method: string, path: string, query: URLSearchParams, body: unknown): string[] {
    const where = `${method} ${path}`;
    const template = this.route(path);
    if (!template) return [`${where}: path not in the ${this.name} API description`];
    const op = this.spec.paths[template][method.toLowerCase()];
    if (!op) return [`${where}: method not in the ${this.name} API description`];
    const problems: string[] = [];
    const params = [...(this.spec.paths[template].parameters ?? []), ...(op.parameters ?? [])].map((p: any) => this.deref(p));
    const declared = new Map(params.filter((p: any) => p.in === "query").map((p: any) => [p.name, p]));
    for (const key of new Set(query.keys())) {
      if (!declared.has(key)) problems.push(`${where}: query parameter "${key}" is not declared`);
    }
    for (const [name, p] of declared as Map<string, any>) if (p.required && !query.has(name)) problems.push(`${where}: required query parameter "${name}" is missing`);
    const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
    if (bodySchema && body !== undefined) {
      const pointer = `#/paths/${esc(template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
      problems.push(...this.validate(pointer, body).map((e) => `${where} request body: ${e}`));
    } else if (!bodySchema && body !== undefined && body !== null && body !== "") {
      problems.push(`${where}: sends a body the description does not declare`);
    }
    return problems;
  }

  checkResponse(method: string, path: string, status: number, body: unknown): string[] {
    const where = `${method} ${path} -> ${status}`;
    const template = this.route(path);
    if (!template) return [];
    const op = this.spec.paths[template]?.[method.toLowerCase()];
    if (!op) return [];
    const responses = op.responses ?? {};
    const key = responses[String(status)] ? String(status) : responses.default ? "default" : undefined;
    if (!key) return this.knownUndocumented.includes(status) ? [] : [`${where}: status ${status} is not documented for this operation`];
    let base = `#/paths/${esc(template)}/${method.toLowerCase()}/responses/${key}`;
    let response = responses[key];
    if (response.$ref) {
      base = response.$ref;
      response = this.deref(response);
    }
    const json = response.content?.["application/json"];
    if (!json?.schema || typeof body !== "object") return [];
    return this.validate(`${base}/content/application~1json/schema`, body).map((e) => `${where} response body: ${e}`);
  }

  private validate(pointer: string, value: unknown): string[] {
    let fn = this.cache.get(pointer);
    if (!fn) {
      fn = this.ajv.compile({ $ref: `${this.name}${pointer}` });
      this.cache.set(pointer, fn);
    }
    if (fn(value)) return [];
    return (fn.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || "(root)"} ${e.message}${e.params && "additionalProperty" in e.params ? ` "${(e.params as any).additionalProperty}"` : ""}`);
  }

  private deref(node: any): any {
    let n = node;
    while (n && n.$ref) {
      n = n.$ref
        .slice(2)
        .split("/")
        .reduce((o: any, k: string) => o?.[k.replace(/~1/g, "/").replace(/~0/g, "~")], this.spec);
    }
    return n;
  }
}

/**
 * OpenAPI 3.0's `nullable: true` beside a `$ref` (no `type`) has no JSON Schema meaning, and Ajv
 * rejects it: such a schema becomes `anyOf: [itself, {type: null}]`. (With a `type`, Ajv reads
 * `nullable` itself.)
 */
function nullableToJsonSchema(node: any): any {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (!node || typeof node !== "object") return node;
  const out: any = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullableToJsonSchema(v)]));
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _drop, ...rest } = out;
    void _drop;
    return { anyOf: [rest, { type: "null" }] };
  }
  return out;
}

function esc(template: string): string {
  return template.replace(/~/g, "~0").replace(/\//g, "~1");
}
