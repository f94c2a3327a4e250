import type { NextFunction, Request, Response } from 'express';
import { buildContentSecurityPolicy, contentSecurityPolicy } from './content-security-policy';

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
  function policyFor(secure: boolean): string {
    const headers = new Map<string, string>();
    const res = { setHeader: (name: string, value: string) => headers.set(name, value) } as unknown as Response;
    const next: NextFunction = jest.fn();
    contentSecurityPolicy([])({ secure } as Request, res, next);
    expect(next).toHaveBeenCalledTimes(1);
    return headers.get('Content-Security-Policy') ?? '';
  }

  it('upgrades insecure requests for pages served over https only', () => {
    expect(policyFor(false)).not.toContain('upgrade-insecure-requests');
    expect(policyFor(true)).toContain('upgrade-insecure-requests');
  });
});
