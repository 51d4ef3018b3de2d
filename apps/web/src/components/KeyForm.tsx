import { KeyRound } from 'lucide-react';
import { useState, type FormEvent } from 'react';

/** Asks for the API key once; the page keeps it in this browser's storage. */
export function KeyForm({ notice, onSubmit }: { notice: string | null; onSubmit(key: string): void }) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (key.trim()) onSubmit(key.trim());
  };
  return (
    <form className="key-form" onSubmit={submit} aria-labelledby="key-form-title">
      <KeyRound size={28} aria-hidden="true" className="key-icon" />
      <h1 id="key-form-title">Sign in to gitsync</h1>
      <p className="muted">Paste your API key. It stays in this browser and is sent only to this server.</p>
      {notice && (
        <p className="notice" role="alert">
          {notice}
        </p>
      )}
      <label htmlFor="api-key">API key</label>
      <input
        id="api-key"
        name="api-key"
        type="password"
        autoComplete="off"
        spellCheck={false}
        autoFocus
        value={key}
        onChange={(e) => setKey(e.target.value)}
        placeholder="gsk_…"
      />
      <button type="submit" className="primary" disabled={!key.trim()}>
        Show my chats
      </button>
    </form>
  );
}
