import { useState } from 'react';
import type { Translate } from './i18n.ts';
import type { ToolCard } from './turns.ts';

function show(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** One tool call: name and status always visible; arguments, progress, result on demand. */
export function ToolCardView({ card, t }: { card: ToolCard; t: Translate }) {
  const [open, setOpen] = useState(true);
  return (
    <div className={`tool tool-${card.status}`} data-testid="tool-card" data-status={card.status}>
      <button type="button" className="tool-head" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="tool-name">{card.name}</span>
        <span className="tool-status">{t(card.status)}</span>
        {card.seconds !== null && (
          <span className="tool-time">{t('duration', { seconds: card.seconds.toFixed(2) })}</span>
        )}
      </button>
      {open && (
        <div className="tool-body">
          <div className="label">{t('arguments')}</div>
          <pre>{show(card.arguments)}</pre>
          {card.status === 'running' && card.progress && <div className="progress">{card.progress}</div>}
          {card.error !== null ? (
            <>
              <div className="label">{t('error')}</div>
              <pre className="error">{card.error}</pre>
            </>
          ) : (
            card.result !== undefined && (
              <>
                <div className="label">{t('result')}</div>
                <pre>{show(card.result)}</pre>
              </>
            )
          )}
        </div>
      )}
    </div>
  );
}
