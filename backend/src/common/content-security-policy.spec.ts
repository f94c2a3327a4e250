import type { NextFunction, Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { allowStyleNonce, buildContentSecurityPolicy, contentSecurityPolicy, inlineStyleHashes } from './content-security-policy';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((directive) => {
      const [name = '', ...sources] = directive.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('buildContentSecurityPolicy', () => {
  it('allows scripts from the service only, never inline', () => {
    const policy = directives(buildContentSecurityPolicy({ upgradeInsecureRequests: false, connectOrigins: [] }));
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('script-src-attr')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
  });

  it("allows styles from files, and inline <style> only with the page's nonce (never 'unsafe-inline')", () => {
    expect(directives(buildContentSecurityPolicy({ upgradeInsecureRequests: false, connectOrigins: [] })).get('style-src')).toEqual([
      "'self'",
    ]);
    const withNonce = buildContentSecurityPolicy({ upgradeInsecureRequests: false, connectOrigins: [], styleNonce: 'bm9uY2U=' });
    expect(directives(withNonce).get('style-src')).toEqual(["'self'", "'nonce-bm9uY2U='"]);
    expect(withNonce).not.toContain('unsafe-inline');
  });

  it('adds upgrade-insecure-requests only when asked to', () => {
    expect(
      directives(buildContentSecurityPolicy({ upgradeInsecureRequests: false, connectOrigins: [] })).has('upgrade-insecure-requests'),
    ).toBe(false);
    expect(
      directives(buildContentSecurityPolicy({ upgradeInsecureRequests: true, connectOrigins: [] })).get('upgrade-insecure-requests'),
    ).toEqual([]);
  });

  it("connects to 'self' and the CORS origins only, never any ws:/wss:", () => {
    const policy = directives(buildContentSecurityPolicy({ upgradeInsecureRequests: false, connectOrigins: [] }));
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    const withOrigins = directives(
      buildContentSecurityPolicy({
        upgradeInsecureRequests: false,
        connectOrigins: ['https://app.example.com/', 'http://localhost:4200', 'https://app.example.com'],
      }),
    );
    expect(withOrigins.get('connect-src')).toEqual(["'self'", 'https://app.example.com', 'http://localhost:4200']);
  });

  it('drops values that are not http(s) origins instead of breaking the header', () => {
    const policy = buildContentSecurityPolicy({
      upgradeInsecureRequests: false,
      connectOrigins: ['*', 'javascript:alert(1)', "https://ok.example; script-src 'unsafe-inline'"],
    });
    expect(directives(policy).get('connect-src')).toEqual(["'self'"]);
    expect(directives(policy).get('script-src')).toEqual(["'self'"]);
    expect(policy.match(/script-src /g)).toHaveLength(1);
  });
});

describe('contentSecurityPolicy middleware', () => {
  function respond(secure: boolean, nonce?: string): string {
    const headers = new Map<string, string>();
    const res = { locals: {}, setHeader: (name: string, value: string) => headers.set(name, value) } as unknown as Response;
    const next: NextFunction = jest.fn();
    contentSecurityPolicy(['https://app.example.com'])({ secure } as Request, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    if (nonce) allowStyleNonce(res, nonce);
    return headers.get('Content-Security-Policy') ?? '';
  }

  it('upgrades insecure requests for pages served over https only', () => {
    expect(respond(false)).not.toContain('upgrade-insecure-requests');
    expect(respond(true)).toContain('upgrade-insecure-requests');
  });

  it("adds a page's style nonce to that response's policy, keeping the rest of it", () => {
    const policy = directives(respond(true, 'abc123'));
    expect(policy.get('style-src')).toEqual(["'self'", "'nonce-abc123'"]);
    expect(policy.get('connect-src')).toEqual(["'self'", 'https://app.example.com']);
    expect(policy.has('upgrade-insecure-requests')).toBe(true);
  });
});

describe('inlineStyleHashes', () => {
  const sha = (text: string) => createHash('sha256').update(text).digest('base64');

  it("hashes each <style> element's exact text and each style attribute, for a policy that allows only those", () => {
    const html = `<style>\n  body { margin: 0 }\n</style><svg style="position:absolute;width:0"></svg><STYLE media="x"></STYLE><p style='color:red'>`;
    const hashes = inlineStyleHashes(html);
    expect(hashes.elements).toEqual([sha('\n  body { margin: 0 }\n'), sha('')]);
    expect(hashes.attributes).toEqual([sha('position:absolute;width:0'), sha('color:red')]);
    const styleSrc = directives(
      buildContentSecurityPolicy({ upgradeInsecureRequests: false, connectOrigins: [], styleHashes: hashes }),
    ).get('style-src');
    expect(styleSrc).toEqual([
      "'self'",
      "'unsafe-hashes'",
      ...[...hashes.elements, ...hashes.attributes].map((hash) => `'sha256-${hash}'`),
    ]);
  });

  it('needs no unsafe-hashes for a page without style attributes', () => {
    const hashes = inlineStyleHashes('<style>a{}</style>');
    const policy = buildContentSecurityPolicy({ upgradeInsecureRequests: false, connectOrigins: [], styleHashes: hashes });
    expect(directives(policy).get('style-src')).toEqual(["'self'", `'sha256-${sha('a{}')}'`]);
  });
});
