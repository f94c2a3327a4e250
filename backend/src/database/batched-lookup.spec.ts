import { batchedLookup } from './batched-lookup';

describe('batchedLookup', () => {
  it('answers calls of one turn of the event loop with one fetch, each with its own value or the missing one', async () => {
    const fetches: (readonly string[])[] = [];
    const lookup = batchedLookup(async (keys: readonly string[]) => {
      fetches.push(keys);
      return new Map(keys.filter((key) => key !== 'ghost').map((key) => [key, key.toUpperCase()]));
    }, null);
    await expect(Promise.all(['a', 'b', 'ghost', 'a'].map(lookup))).resolves.toEqual(['A', 'B', null, 'A']);
    expect(fetches).toEqual([['a', 'b', 'ghost', 'a']]);
  });

  it('reads fresh values on the next turn (no cache) and fails every call of a failed fetch', async () => {
    let version = 0;
    const lookup = batchedLookup(async (keys: readonly string[]) => {
      version += 1;
      if (version === 3) throw new Error('database down');
      return new Map(keys.map((key) => [key, `${key}${version}`]));
    }, '');
    await expect(lookup('x')).resolves.toBe('x1');
    await expect(lookup('x')).resolves.toBe('x2');
    await expect(Promise.all([lookup('x'), lookup('y')])).rejects.toThrow('database down');
  });
});
