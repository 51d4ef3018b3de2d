import { checksIconFor } from '../checks-icon';
import { colors, iconFor } from '../pr-icon';

/** One example of each icon the sidebar can show, so a newcomer reads the icons at a glance. */
const samples: Array<Parameters<typeof iconFor>[0]> = [
  { status: 'waiting', diff_status: { pull_request_state: 'open', pull_request_draft: false } },
  { status: 'waiting', diff_status: { pull_request_state: 'open', pull_request_draft: true } },
  { status: 'completed', diff_status: { pull_request_state: 'merged', pull_request_draft: false } },
  { status: 'completed', diff_status: { pull_request_state: 'closed', pull_request_draft: false } },
  { status: 'running' },
  { status: 'paused' },
  { status: 'error' },
];

/** The checks marks beside a PR icon. */
const checkSamples = (['success', 'failure', 'pending'] as const).map((state) =>
  checksIconFor({ checks_state: state })!,
);

/** What the icons mean, beside the sidebar (the page has nothing else to show there). */
export function Legend() {
  return (
    <section className="legend" aria-labelledby="legend-title">
      <div>
        <h2 id="legend-title">What the icons mean</h2>
        <ul>
          {samples.map((sample) => {
            const { icon: Icon, label, color, name } = iconFor(sample);
            return (
              <li key={name + label}>
                <Icon size={16} aria-hidden="true" style={{ color: colors[color] }} />
                {label}
              </li>
            );
          })}
          {checkSamples.map(({ icon: Icon, label, color, state }) => (
            <li key={state}>
              <Icon size={16} strokeWidth={3} aria-hidden="true" style={{ color: colors[color] }} />
              {label}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
