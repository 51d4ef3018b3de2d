import type { ChatJson } from '@gitsync/contracts';
import { colors, iconFor } from '../pr-icon';

/** The chat's status or pull-request icon, announced by its label (the svg itself is decoration). */
export function ChatIcon({ chat }: { chat: Pick<ChatJson, 'status' | 'diff_status'> }) {
  const { icon: Icon, name, color, label, spin } = iconFor(chat);
  return (
    <span
      className="chat-icon"
      role="img"
      aria-label={label}
      title={label}
      data-icon={name}
      data-color={color}
      style={{ color: colors[color] }}
    >
      <Icon size={18} strokeWidth={2} aria-hidden="true" className={spin ? 'spin' : undefined} />
    </span>
  );
}
