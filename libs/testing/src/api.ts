import { randomUUID } from 'node:crypto';
import type { AuthResponseDto } from '#contracts';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, for malformed or oversized bodies. */
  rawBody?: string;
  token?: string;
  cookie?: string;
  headers?: Record<string, string>;
}

/** A thin fetch wrapper for driving the gateway over real HTTP. */
export class Api {
  constructor(
    readonly baseUrl: string,
    /** Sent with every request, e.g. an X-Forwarded-For to act as another client. */
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cookie) headers.cookie = options.cookie;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, { ...options, body });
  }
  patch<T = any>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }
}

export const uniqueEmail = (tag = 'user') => `${tag}-${randomUUID().slice(0, 8)}@example.test`;

/** The `refresh_token` Set-Cookie of a response, parsed. */
export function refreshCookie(response: ApiResponse): { value: string; attributes: string[]; header: string } | undefined {
  const header = response.headers.getSetCookie().find((cookie) => cookie.startsWith('refresh_token='));
  if (!header) return undefined;
  const [pair, ...attributes] = header.split(';').map((part) => part.trim());
  return { value: pair!.slice('refresh_token='.length), attributes, header };
}

export interface TestUser {
  email: string;
  password: string;
  name: string;
  user: AuthResponseDto['user'];
  accessToken: string;
  /** `refresh_token=...`, ready for a Cookie header. */
  cookie: string;
}

export async function registerUser(api: Api, overrides: Partial<{ email: string; password: string; name: string }> = {}): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? 'correct horse battery';
  const name = overrides.name ?? `User ${email.slice(0, 12)}`;
  const response = await api.post<AuthResponseDto>('/api/auth/register', { email, password, name });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  const cookie = refreshCookie(response);
  return { email, password, name, user: response.body.user, accessToken: response.body.accessToken, cookie: `refresh_token=${cookie?.value}` };
}
