/** Where the API key lives between visits: asked once, kept in this browser only. */
const STORAGE_KEY = 'gitsync.apiKey';

export function loadKey(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string | null {
  try {
    return storage?.getItem(STORAGE_KEY) || null;
  } catch {
    return null; // storage disabled (private mode, policies): ask every time instead of crashing
  }
}

export function saveKey(key: string, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(STORAGE_KEY, key);
  } catch {
    // kept in memory for this visit only
  }
}

export function forgetKey(storage: Pick<Storage, 'removeItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}
