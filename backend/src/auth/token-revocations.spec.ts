import { MemoryTokenRevocations } from './token-revocations';

describe('MemoryTokenRevocations (embedded mode)', () => {
  it('knows nothing of a token until it is revoked or carried over', async () => {
    const store = new MemoryTokenRevocations();
    await expect(store.state('a')).resolves.toBeNull();
    await store.revoke('a', Date.now() + 60_000);
    await expect(store.state('a')).resolves.toEqual({ revoked: true });
    await store.carry('b', 7, Date.now() + 60_000);
    await expect(store.state('b')).resolves.toEqual({ revoked: false, carriedVersion: 7 });
  });

  it('never un-revokes a token by carrying it over', async () => {
    const store = new MemoryTokenRevocations();
    await store.revoke('a', Date.now() + 60_000);
    await store.carry('a', 3, Date.now() + 60_000);
    await expect(store.state('a')).resolves.toEqual({ revoked: true });
  });

  it('forgets a token once it has expired anyway', async () => {
    const store = new MemoryTokenRevocations();
    await store.revoke('gone', Date.now() - 1);
    await expect(store.state('gone')).resolves.toBeNull();
    jest.useFakeTimers({ now: 1_000_000 });
    try {
      await store.revoke('soon', 1_000_500);
      jest.setSystemTime(1_000_501);
      await expect(store.state('soon')).resolves.toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });
});
