import { useCallback, useState } from 'react';
import { forgetKey, loadKey, saveKey } from '../key-store';
import { KeyForm } from './KeyForm';
import { Legend } from './Legend';
import { Sidebar } from './Sidebar';

/** Asks for the key when there is none (or the API refused it), then shows the sidebar. */
export function App() {
  const [apiKey, setApiKey] = useState(loadKey);
  const [notice, setNotice] = useState<string | null>(null);

  const signIn = useCallback((key: string) => {
    saveKey(key);
    setNotice(null);
    setApiKey(key);
  }, []);
  const signOut = useCallback((message: string | null) => {
    forgetKey();
    setNotice(message);
    setApiKey(null);
  }, []);
  const rejected = useCallback(
    () => signOut('The API did not accept that key. Check it and enter it again.'),
    [signOut],
  );

  if (!apiKey) return <KeyForm notice={notice} onSubmit={signIn} />;
  // Keyed by the key, so a new key starts from a clean list and a new stream.
  return (
    <>
      <Sidebar key={apiKey} apiKey={apiKey} onUnauthorized={rejected} onSignOut={() => signOut(null)} />
      <Legend />
    </>
  );
}
