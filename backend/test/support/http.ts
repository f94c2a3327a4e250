import type { AuthResponse, ErrorBody, User } from '@chat/contracts';
import { randomId } from '@chat/test-harness';

export interface HttpResult<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Extra headers, e.g. a malformed Authorization. */
  headers?: Record<string, string>;
}

/** Thin JSON client for one pod. `body` is the parsed JSON (or raw text when it is not JSON). */
export class Api {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.body);
    }
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: payload,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let body: unknown = text;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }

  get<T = unknown>(path: string, token?: string): Promise<HttpResult<T>> {
    return this.request<T>('GET', path, { token });
  }

  post<T = unknown>(path: string, body: unknown, token?: string): Promise<HttpResult<T>> {
    return this.request<T>('POST', path, { token, body });
  }

  /** Like get/post but fails with the response in the message unless the status is `expected`. */
  async expectStatus<T>(expected: number, method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request<T>(method, path, options);
    if (res.status !== expected) {
      throw new Error(`${method} ${path} on ${this.baseUrl}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }
}

export interface TestUser {
  username: string;
  password: string;
  token: string;
  user: User;
}

export function uniqueUsername(prefix = 'u'): string {
  return `${prefix}_${randomId(5)}`;
}

export async function registerUser(api: Api, prefix = 'u'): Promise<TestUser> {
  const username = uniqueUsername(prefix);
  const password = `pw-${randomId(8)}`;
  const auth = await api.expectStatus<AuthResponse>(201, 'POST', '/api/auth/register', {
    body: { username, password, displayName: `Test ${prefix}` },
  });
  return { username, password, token: auth.accessToken, user: auth.user };
}

export async function login(api: Api, username: string, password: string): Promise<AuthResponse> {
  return api.expectStatus<AuthResponse>(200, 'POST', '/api/auth/login', { body: { username, password } });
}

/** Narrows an unknown REST body to the contract's error shape (fails the test otherwise). */
export function errorOf(body: unknown): ErrorBody['error'] {
  const error = (body as Partial<ErrorBody> | null)?.error;
  if (error === undefined || typeof error.code !== 'string') {
    throw new Error(`not an error body: ${JSON.stringify(body)}`);
  }
  return error;
}
