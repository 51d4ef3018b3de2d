import { forgetKey, loadKey, saveKey } from './key-store';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
}

const broken = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
};

describe('key store', () => {
  it('keeps the key between visits until it is forgotten', () => {
    const storage = memoryStorage();
    expect(loadKey(storage)).toBeNull();
    saveKey('gsk_abc', storage);
    expect(loadKey(storage)).toBe('gsk_abc');
    forgetKey(storage);
    expect(loadKey(storage)).toBeNull();
  });

  it('never crashes the page when storage is disabled', () => {
    expect(loadKey(broken)).toBeNull();
    expect(() => saveKey('k', broken)).not.toThrow();
    expect(() => forgetKey(broken)).not.toThrow();
    expect(loadKey(undefined)).toBeNull();
  });
});
