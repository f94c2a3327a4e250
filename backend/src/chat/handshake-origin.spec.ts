import { handshakeOriginAllowed } from './handshake-origin';

describe('handshakeOriginAllowed', () => {
  it('lets a handshake without an Origin through (non-browser clients)', () => {
    expect(handshakeOriginAllowed({ host: 'chat.example.com' }, [])).toBe(true);
  });

  it('allows the same origin and refuses another one when no origins are configured', () => {
    expect(handshakeOriginAllowed({ host: 'chat.example.com', origin: 'https://chat.example.com' }, [])).toBe(true);
    expect(handshakeOriginAllowed({ host: 'localhost:3000', origin: 'http://localhost:3000' }, [])).toBe(true);
    expect(handshakeOriginAllowed({ host: 'chat.example.com', origin: 'https://evil.example' }, [])).toBe(false);
    expect(handshakeOriginAllowed({ host: 'localhost:3000', origin: 'http://localhost:4000' }, [])).toBe(false);
  });

  it('judges the same origin by X-Forwarded-Host when a proxy set it', () => {
    const proxied = { host: '10.0.0.7:3000', 'x-forwarded-host': 'chat.example.com, 10.0.0.2' };
    expect(handshakeOriginAllowed({ ...proxied, origin: 'https://chat.example.com' }, [])).toBe(true);
    expect(handshakeOriginAllowed({ ...proxied, origin: 'http://10.0.0.7:3000' }, [])).toBe(false);
  });

  it('allows the configured origins, compared as origins', () => {
    const allowed = ['https://app.example.com/', 'http://localhost:4200'];
    expect(handshakeOriginAllowed({ host: 'api.example.com', origin: 'https://app.example.com' }, allowed)).toBe(true);
    expect(handshakeOriginAllowed({ host: 'api.example.com', origin: 'http://localhost:4200' }, allowed)).toBe(true);
    expect(handshakeOriginAllowed({ host: 'api.example.com', origin: 'https://app.example.com.evil.example' }, allowed)).toBe(false);
  });

  it('refuses an Origin that is not an http(s) origin', () => {
    expect(handshakeOriginAllowed({ host: 'null', origin: 'null' }, [])).toBe(false);
    expect(handshakeOriginAllowed({ host: 'x', origin: 'file://x' }, [])).toBe(false);
  });
});
