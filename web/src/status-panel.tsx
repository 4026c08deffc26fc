import type { Translate, UiKey } from './i18n.ts';

export type ConnectionState = 'idle' | 'connecting' | 'streaming' | 'heartbeat' | 'reconnecting' | 'closed';

export interface RawFrame {
  n: number;
  id: string | undefined;
  /** The frame's data, or `: comment` for a comment (heartbeat). */
  data: string;
}

export interface StatusProps {
  t: Translate;
  state: ConnectionState;
  sessionId: string | null;
  runId: string | null;
  counters: { messages: number; events: number; toolCalls: number };
  frames: RawFrame[];
  includeMetadata: boolean;
  onIncludeMetadata(value: boolean): void;
}

/** Shows a frame's data; without metadata, the events' `metadata` field is left out. */
function frameText(frame: RawFrame, includeMetadata: boolean): string {
  if (includeMetadata || frame.data.startsWith(':')) return frame.data;
  try {
    const { metadata: _metadata, ...rest } = JSON.parse(frame.data) as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return frame.data;
  }
}

export function StatusPanel(props: StatusProps) {
  const { t } = props;
  return (
    <section className="panel status" aria-label={t('status')}>
      <h2>{t('status')}</h2>
      <dl>
        <dt>{t('connection')}</dt>
        <dd data-testid="conn-state" data-state={props.state}>
          <span className={`dot dot-${props.state}`} /> {t(props.state as UiKey)}
        </dd>
        <dt>{t('session')}</dt>
        <dd className="mono" data-testid="session-id">
          {props.sessionId ?? '—'}
        </dd>
        <dt>{t('run')}</dt>
        <dd className="mono" data-testid="run-id">
          {props.runId ?? '—'}
        </dd>
        <dt>{t('messages')}</dt>
        <dd>{props.counters.messages}</dd>
        <dt>{t('events')}</dt>
        <dd data-testid="event-count">{props.counters.events}</dd>
        <dt>{t('toolCalls')}</dt>
        <dd>{props.counters.toolCalls}</dd>
      </dl>
      <label className="switch">
        <input
          type="checkbox"
          data-testid="include-metadata"
          checked={props.includeMetadata}
          onChange={(event) => props.onIncludeMetadata(event.target.checked)}
        />{' '}
        {t('includeMetadata')}
      </label>
      <h3>{t('frames')}</h3>
      <ol className="frames" data-testid="frames">
        {props.frames.map((frame) => (
          <li key={frame.n}>
            <span className="frame-id">{frame.id ?? '·'}</span> {frameText(frame, props.includeMetadata)}
          </li>
        ))}
      </ol>
    </section>
  );
}
