import type { ReactNode } from 'react';

/** A full-width message in place of the list: loading, empty, or why it cannot be shown. */
export function StateMessage({
  icon,
  title,
  children,
  tone = 'neutral',
}: {
  icon: ReactNode;
  title: string;
  children?: ReactNode;
  tone?: 'neutral' | 'error';
}) {
  return (
    <div className={`state-message ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="state-icon" aria-hidden="true">
        {icon}
      </div>
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}
