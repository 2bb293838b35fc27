import type { AxiosInstance, InternalAxiosRequestConfig } from "axios";
import { redactQuery, type HttpLog, type HttpLogEntry } from "../log/structured-log";
import { headerValue } from "./api-error";

type Timed = InternalAxiosRequestConfig & { startedAt?: number };

/**
 * Logs every exchange of an axios instance (retries included, each on its own line): method, path,
 * status, duration and the service's request id. Headers and bodies are never logged.
 */
export function logHttp(http: AxiosInstance, service: HttpLogEntry["service"], log: HttpLog, requestIdHeaders: readonly string[]): void {
  http.interceptors.request.use((config: Timed) => {
    config.startedAt = Date.now();
    return config;
  });
  const entry = (config: Timed | undefined): Omit<HttpLogEntry, "duration_ms"> & { duration_ms: number } => {
    const url = new URL(config?.url ?? "/", (config?.baseURL || "http://unknown") + "/");
    const params = new URLSearchParams(url.search);
    for (const [k, v] of Object.entries((config?.params ?? {}) as Record<string, unknown>)) params.append(k, String(v));
    const query = redactQuery(params);
    return {
      service,
      method: (config?.method ?? "get").toUpperCase(),
      path: config?.baseURL ? joinPath(new URL(config.baseURL).pathname, config.url ?? "") : url.pathname,
      ...(query ? { query } : {}),
      duration_ms: config?.startedAt ? Date.now() - config.startedAt : 0,
    };
  };
  http.interceptors.response.use(
    (response) => {
      const id = requestIdHeaders.map((h) => headerValue(response.headers, h)).find(Boolean);
      log({ ...entry(response.config), status: response.status, ...(id ? { request_id: id } : {}) });
      return response;
    },
    (error) => {
      log({ ...entry(error?.config), error: String(error?.code ?? error?.message ?? error) });
      return Promise.reject(error);
    },
  );
}

function joinPath(base: string, path: string): string {
  const p = path.split("?")[0];
  if (/^[a-z]+:\/\//i.test(p)) return new URL(p).pathname;
  return (base.replace(/\/+$/, "") + "/" + p.replace(/^\/+/, "")).replace(/\/{2,}/g, "/");
}
