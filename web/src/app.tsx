import { type KeyboardEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import {
  type Agent,
  type RunStream,
  type Session,
  SluiceClient,
  type StreamActivity,
} from '../../src/client/index.ts';
import { Documents } from './documents.tsx';
import { browserLanguage, LANGUAGE_NAMES, translator, UI_LANGUAGES, type UiLanguage } from './i18n.ts';
import { Markdown } from './markdown.tsx';
import { type ConnectionState, type RawFrame, StatusPanel } from './status-panel.tsx';
import { ToolCardView } from './tool-card.tsx';
import { applyEvent, type DesignDocument, newTurn, type Turn, turnsFromMessages } from './turns.ts';

const MAX_FRAMES = 50;
const store = globalThis.localStorage;

function initialSessionId(): string | null {
  return new URLSearchParams(location.search).get('session') ?? store.getItem('sluice.session');
}

function rememberSession(id: string | null): void {
  const url = new URL(location.href);
  if (id) {
    store.setItem('sluice.session', id);
    url.searchParams.set('session', id);
  } else {
    store.removeItem('sluice.session');
    url.searchParams.delete('session');
  }
  history.replaceState(null, '', url);
}

export function App() {
  const client = useMemo(
    () =>
      new SluiceClient({
        baseUrl: location.origin,
        ...(store.getItem('sluice.key') ? { apiKey: store.getItem('sluice.key') as string } : {}),
        idleTimeoutMs: 15_000,
      }),
    [],
  );
  const [lang, setLang] = useState<UiLanguage>(
    () => (store.getItem('sluice.lang') as UiLanguage | null) ?? browserLanguage(),
  );
  const t = useMemo(() => translator(lang), [lang]);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [agentId, setAgentId] = useState('assistant');
  const [sessions, setSessions] = useState<Session[]>([]);
  const [sessionId, setSessionId] = useState<string | null>(initialSessionId);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [documents, setDocuments] = useState<DesignDocument[]>([]);
  const [state, setState] = useState<ConnectionState>('idle');
  const [runId, setRunId] = useState<string | null>(null);
  const [events, setEvents] = useState(0);
  const [frames, setFrames] = useState<RawFrame[]>([]);
  const [includeMetadata, setIncludeMetadata] = useState(false);
  const [input, setInput] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const streamRef = useRef<RunStream | null>(null);
  const frameCount = useRef(0);
  const bottom = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t('title');
    store.setItem('sluice.lang', lang);
  }, [lang, t]);

  const refreshSessions = useCallback(() => {
    client
      .listSessions({ limit: 50 })
      .then((page) => setSessions(page.items))
      .catch(() => {});
  }, [client]);

  const onActivity = useCallback((activity: StreamActivity) => {
    if (activity.kind === 'reconnecting') {
      setState('reconnecting');
      return;
    }
    const n = ++frameCount.current;
    const frame: RawFrame =
      activity.kind === 'frame'
        ? { n, id: activity.id, data: activity.data }
        : { n, id: undefined, data: `: ${activity.text}` };
    setState(activity.kind === 'comment' ? 'heartbeat' : 'streaming');
    setFrames((list) => [...list.slice(-(MAX_FRAMES - 1)), frame]);
  }, []);

  /** Reads a run's stream into the turn `key` until it ends or is closed. */
  const consume = useCallback(
    async (stream: RunStream, key: string) => {
      streamRef.current = stream;
      setBusy(true);
      setRunId(stream.runId);
      setTurns((list) => list.map((turn) => (turn.key === key ? { ...turn, runId: stream.runId } : turn)));
      try {
        for await (const event of stream) {
          const apply = () => {
            setEvents((count) => count + 1);
            setTurns((list) => list.map((turn) => (turn.key === key ? applyEvent(turn, event) : turn)));
          };
          // A tool call's start and end often arrive together: draw each, so a card is seen running.
          if (event.event_type.startsWith('tool_call_')) flushSync(apply);
          else apply();
          if (event.event_type === 'design_document_generated') {
            const { document_id, filename, content } = event.data;
            setDocuments((docs) => [
              ...docs.filter((doc) => doc.documentId !== document_id),
              { documentId: document_id, filename, content },
            ]);
          }
        }
      } catch (caught) {
        setError((caught as Error).message);
      } finally {
        if (streamRef.current === stream) {
          streamRef.current = null;
          setBusy(false);
          setState('closed');
          setTurns((list) =>
            list.map((turn) =>
              turn.key === key && turn.status === 'running' ? { ...turn, status: 'interrupted' } : turn,
            ),
          );
          refreshSessions();
        }
      }
    },
    [refreshSessions],
  );

  /** Opens a session: its stored turns, then its running answer replayed from the first event. */
  const openSession = useCallback(
    async (id: string | null) => {
      streamRef.current?.close();
      streamRef.current = null;
      setBusy(false);
      setSessionId(id);
      rememberSession(id);
      setTurns([]);
      setDocuments([]);
      setRunId(null);
      setState('idle');
      setError(null);
      setMenuOpen(false);
      if (!id) return;
      try {
        const session = await client.getSession(id);
        setAgentId(session.agent_id);
        const active = session.active_run_id;
        setTurns(turnsFromMessages(session.messages, active));
        if (active) {
          setTurns((list) => [...list, newTurn(active, '')]);
          setState('connecting');
          const stream = await client.joinRun(active, { after: 0, onActivity });
          await consume(stream, active);
        }
      } catch (caught) {
        setError((caught as Error).message);
        if ((caught as { status?: number }).status === 404) void openSessionRef.current(null);
      }
    },
    [client, consume, onActivity],
  );
  const openSessionRef = useRef(openSession);
  openSessionRef.current = openSession;

  useEffect(() => {
    client
      .listAgents()
      .then(setAgents)
      .catch(() => {});
    refreshSessions();
    void openSessionRef.current(initialSessionId());
  }, [client, refreshSessions]);

  const running = busy;

  const send = useCallback(async () => {
    const message = input.trim();
    if (!message || busy) return;
    setInput('');
    setError(null);
    const pending = newTurn(null, message);
    setTurns((list) => [...list, pending]);
    setState('connecting');
    try {
      let id = sessionId;
      if (!id) {
        const session = await client.createSession({ agent_id: agentId, language: lang });
        id = session.id;
        setSessionId(id);
        rememberSession(id);
      }
      const stream = await client.startRun(id, { message, language: lang }, { onActivity });
      await consume(stream, pending.key);
    } catch (caught) {
      setError((caught as Error).message);
      setState('closed');
      setTurns((list) =>
        list.map((turn) => (turn.key === pending.key ? { ...turn, status: 'failed' } : turn)),
      );
    }
  }, [input, busy, sessionId, client, agentId, lang, onActivity, consume]);

  const stop = useCallback(() => {
    streamRef.current?.cancel().catch((caught: Error) => setError(caught.message));
  }, []);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape') stop();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stop]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the answer as the turns change.
  useEffect(() => {
    bottom.current?.scrollIntoView?.({ block: 'end' });
  }, [turns]);

  function onInputKey(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  async function rename(session: Session) {
    const title = prompt(t('renamePrompt'), session.title);
    if (title === null) return;
    await client.renameSession(session.id, title).catch((caught: Error) => setError(caught.message));
    refreshSessions();
  }

  async function remove(session: Session) {
    if (!confirm(t('confirmDelete'))) return;
    await client.deleteSession(session.id).catch((caught: Error) => setError(caught.message));
    if (session.id === sessionId) await openSession(null);
    refreshSessions();
  }

  const counters = {
    messages: turns.reduce(
      (sum, turn) => sum + 1 + turn.parts.filter((part) => part.kind === 'text').length,
      0,
    ),
    events,
    toolCalls: turns.reduce((sum, turn) => sum + turn.parts.filter((part) => part.kind === 'tool').length, 0),
  };

  return (
    <div className="app">
      <header className="top">
        <button type="button" className="menu" onClick={() => setMenuOpen(!menuOpen)}>
          ☰ <span className="sr">{t('menu')}</span>
        </button>
        <h1>{t('title')}</h1>
        <label>
          {t('agent')}{' '}
          <select
            data-testid="agent-select"
            value={agentId}
            onChange={(event) => {
              setAgentId(event.target.value);
              void openSession(null);
            }}
          >
            {(agents.length ? agents : [{ id: agentId, name: agentId } as Agent]).map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('language')}{' '}
          <select
            data-testid="lang-select"
            value={lang}
            onChange={(event) => setLang(event.target.value as UiLanguage)}
          >
            {UI_LANGUAGES.map((code) => (
              <option key={code} value={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
      </header>
      <aside className={`panel sessions ${menuOpen ? 'open' : ''}`}>
        <h2>{t('sessions')}</h2>
        <button type="button" data-testid="new-session" onClick={() => void openSession(null)}>
          + {t('newSession')}
        </button>
        <ul>
          {sessions.map((session) => (
            <li key={session.id} className={session.id === sessionId ? 'current' : ''}>
              <button type="button" className="open" onClick={() => void openSession(session.id)}>
                {session.title || t('untitled')} <small>{session.agent_id}</small>
              </button>
              <button type="button" title={t('rename')} onClick={() => void rename(session)}>
                ✎<span className="sr">{t('rename')}</span>
              </button>
              <button type="button" title={t('delete')} onClick={() => void remove(session)}>
                ×<span className="sr">{t('delete')}</span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <main className="chat">
        <div className="turns">
          {turns.length === 0 && <p className="empty">{t('empty')}</p>}
          {turns.map((turn) => (
            <article key={turn.key} className="turn" data-testid="turn" data-status={turn.status}>
              {turn.user && (
                <div className="msg user">
                  <div className="who">{t('you')}</div>
                  <div className="plain">{turn.user}</div>
                </div>
              )}
              <div className="msg assistant">
                <div className="who">{t('assistant')}</div>
                {turn.parts.map((part) =>
                  part.kind === 'text' ? (
                    <div key={part.messageId} className="answer" data-testid="answer" data-text={part.text}>
                      <Markdown text={part.text} />
                    </div>
                  ) : part.kind === 'tool' ? (
                    <ToolCardView key={part.callId} card={part} t={t} />
                  ) : (
                    <a key={part.documentId} className="doc-ref" href={`#doc-${part.documentId}`}>
                      ↓ {part.filename}
                    </a>
                  ),
                )}
                {turn.status === 'running' && (
                  <div className="typing">{turn.statusMessage || t('running')}…</div>
                )}
                {turn.error && <div className="error">{turn.error}</div>}
                {turn.status !== 'running' && turn.status !== 'completed' && (
                  <div className="outcome">{t(turn.status === 'queued' ? 'running' : turn.status)}</div>
                )}
                {turn.usage && (
                  <div className="usage" data-testid="usage">
                    {t('usage', {
                      input: turn.usage.input_tokens,
                      output: turn.usage.output_tokens,
                      cost: `$${turn.usage.total_cost.toFixed(6)}`,
                    })}
                  </div>
                )}
              </div>
            </article>
          ))}
          {error && <div className="error banner">{error}</div>}
          <div ref={bottom} />
        </div>
        <form
          className="composer"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <textarea
            data-testid="input"
            rows={2}
            value={input}
            placeholder={t('placeholder')}
            onChange={(event) => setInput(event.target.value)}
            onKeyDown={onInputKey}
          />
          {running ? (
            <button type="button" data-testid="stop" className="stop" onClick={stop}>
              {t('stop')}
            </button>
          ) : (
            <button type="submit" data-testid="send">
              {t('send')}
            </button>
          )}
        </form>
      </main>
      <div className="side">
        <Documents documents={documents} t={t} />
        <StatusPanel
          t={t}
          state={state}
          sessionId={sessionId}
          runId={runId}
          counters={counters}
          frames={frames}
          includeMetadata={includeMetadata}
          onIncludeMetadata={setIncludeMetadata}
        />
      </div>
    </div>
  );
}
