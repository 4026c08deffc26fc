import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newId, SluiceError, type ToolCall } from '../protocol/index.ts';
import type { NewRun, NewSession, SessionRecord, Store } from './repository.ts';

/**
 * The contract every `Store` must meet, run against each backend (pglite-store.test.ts,
 * postgres-store.test.ts). One store serves the whole suite; each test works in tenants of its
 * own, so tests never see each other's rows.
 */
export function runStoreSuite(name: string, open: () => Promise<Store>): void {
  describe(name, () => {
    let store: Store;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store?.close();
    });

    const tenant = () => `tenant-${newId()}`;
    const session = (tenantId: string, extra: Partial<NewSession> = {}) =>
      store.createSession({ tenant_id: tenantId, agent_id: 'assistant', language: 'en', ...extra });
    const newRun = (s: SessionRecord, extra: Partial<NewRun> = {}): NewRun => ({
      id: newId(),
      session_id: s.id,
      tenant_id: s.tenant_id,
      agent_id: s.agent_id,
      language: s.language ?? 'en',
      model: 'demo',
      input: 'hello',
      ...extra,
    });

    test('migrate() applied again, in sequence or at once, is harmless', async () => {
      await store.migrate();
      await Promise.all([store.migrate(), store.migrate()]);
      await store.ping();
      const t = tenant();
      const s = await session(t);
      assert.equal((await store.getSession(t, s.id))?.id, s.id);
    });

    test('createSession fills defaults and returns ISO timestamps', async () => {
      const t = tenant();
      await store.ensureTenant(t);
      await store.ensureTenant(t);
      const s = await session(t);
      assert.ok(isUuidV7(s.id));
      assert.deepEqual(
        {
          tenant_id: s.tenant_id,
          user_id: s.user_id,
          agent_id: s.agent_id,
          title: s.title,
          metadata: s.metadata,
        },
        { tenant_id: t, user_id: null, agent_id: 'assistant', title: '', metadata: {} },
      );
      assert.equal(new Date(s.created_at).toISOString(), s.created_at);
      assert.equal(s.updated_at, s.created_at);
      assert.deepEqual(await store.getSession(t, s.id), s);

      const id = newId();
      const named = await session(t, {
        id,
        user_id: 'u1',
        title: 'Plan',
        language: 'fr',
        metadata: { a: 1 },
      });
      assert.deepEqual(
        {
          id: named.id,
          user_id: named.user_id,
          title: named.title,
          language: named.language,
          metadata: named.metadata,
        },
        { id, user_id: 'u1', title: 'Plan', language: 'fr', metadata: { a: 1 } },
      );
    });

    test('another tenant can neither read, change nor delete a session', async () => {
      const owner = tenant();
      const other = tenant();
      const s = await session(owner, { title: 'mine' });
      assert.equal(await store.getSession(other, s.id), undefined);
      assert.equal(await store.updateSession(other, s.id, { title: 'stolen' }), undefined);
      assert.equal(await store.deleteSession(other, s.id), false);
      assert.deepEqual(await store.listSessions(other, { limit: 10 }), { items: [], next_cursor: null });
      await assert.rejects(store.createRun(newRun(s, { tenant_id: other })), isCode('session_not_found'));
      const run = await store.createRun(newRun(s));
      assert.equal(await store.getRun(run.id, other), undefined);
      assert.equal((await store.getRun(run.id, owner))?.id, run.id);
      assert.equal((await store.getRun(run.id))?.id, run.id);
      assert.equal((await store.getSession(owner, s.id))?.title, 'mine');
    });

    test('createRun stores the user message with the run, after the messages already there', async () => {
      const t = tenant();
      const s = await session(t);
      await store.appendMessages(s.id, [{ role: 'user', content: 'first' }]);
      const messageId = newId();
      const createdAt = '2026-01-02T03:04:05.678Z';
      const run = await store.createRun(
        newRun(s, {
          status: 'running',
          input_message_id: messageId,
          created_at: createdAt,
          started_at: createdAt,
        }),
        { id: messageId, role: 'user', content: 'second' },
      );
      assert.equal(run.created_at, createdAt);
      assert.equal(run.started_at, createdAt);
      const stored = await store.listMessages(s.id);
      assert.deepEqual(
        stored.map((m) => [m.position, m.content, m.run_id]),
        [
          [1, 'first', null],
          [2, 'second', run.id],
        ],
      );
      // Another tenant's run: neither the run nor its message is stored.
      await assert.rejects(
        store.createRun(newRun(s, { tenant_id: tenant() }), { role: 'user', content: 'sneaky' }),
        isCode('session_not_found'),
      );
      assert.equal((await store.listMessages(s.id)).length, 2);
    });

    test('finishRun stores messages, final fields and usage together', async () => {
      const t = tenant();
      const s = await session(t);
      const run = await store.createRun(newRun(s, { status: 'running' }), { role: 'user', content: 'q' });
      const usage = { input_tokens: 3, output_tokens: 4, total_tokens: 7, total_cost: 0.5 };
      await store.finishRun(run.id, s.id, {
        messages: [
          { role: 'assistant', content: 'a1', run_id: run.id },
          { role: 'assistant', content: 'a2', run_id: run.id },
        ],
        patch: {
          status: 'completed',
          finish_reason: 'stop',
          usage,
          last_seq: 9,
          ended_at: new Date().toISOString(),
        },
        usage: {
          tenant_id: t,
          session_id: s.id,
          run_id: run.id,
          agent_id: run.agent_id,
          model: run.model,
          input_tokens: 3,
          output_tokens: 4,
          cost: 0.5,
        },
      });
      assert.deepEqual(
        (await store.listMessages(s.id)).map((m) => [m.position, m.content]),
        [
          [1, 'q'],
          [2, 'a1'],
          [3, 'a2'],
        ],
      );
      const finished = await store.getRun(run.id);
      assert.equal(finished?.status, 'completed');
      assert.equal(finished?.last_seq, 9);
      assert.deepEqual(finished?.usage, usage);
      assert.deepEqual(await store.usageTotals({ tenantId: t, sessionId: s.id }), usage);
      // A failing part (a message id that exists already) leaves nothing half-written.
      const [existing] = await store.listMessages(s.id);
      await assert.rejects(
        store.finishRun(run.id, s.id, {
          messages: [{ id: existing!.id, role: 'assistant', content: 'dup' }],
          patch: { status: 'failed' },
        }),
      );
      assert.equal((await store.getRun(run.id))?.status, 'completed');
      assert.equal((await store.listMessages(s.id)).length, 3);
    });

    test('ids that are not UUIDs find nothing instead of failing', async () => {
      const t = tenant();
      assert.equal(await store.getSession(t, 'not-a-uuid'), undefined);
      assert.equal(await store.updateSession(t, 'not-a-uuid', { title: 'x' }), undefined);
      assert.equal(await store.deleteSession(t, "'; drop table sessions; --"), false);
      assert.equal(await store.getRun('nope'), undefined);
      assert.equal(await store.updateRun('nope', { status: 'failed' }), undefined);
      assert.equal(await store.findActiveRun('nope'), undefined);
      assert.deepEqual(await store.listMessages('nope'), []);
      await assert.rejects(
        store.appendMessages('nope', [{ role: 'user', content: 'x' }]),
        isCode('session_not_found'),
      );
      await assert.rejects(store.listSessions(t, { limit: 5, cursor: 'nope' }), isCode('validation_failed'));
      await assert.rejects(store.listSessions(t, { limit: 0 }), isCode('validation_failed'));
    });

    test('listSessions pages newest first with no overlap and next_cursor null on the last page', async () => {
      const t = tenant();
      const created: string[] = [];
      for (let i = 0; i < 7; i++) created.push((await session(t, { title: `s${i}` })).id);
      const newestFirst = [...created].reverse();
      await session(tenant()); // another tenant's session must not appear

      const pages: string[][] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await store.listSessions(t, cursor === undefined ? { limit: 3 } : { limit: 3, cursor });
        pages.push(page.items.map((s) => s.id));
        if (page.next_cursor === null) break;
        assert.equal(page.next_cursor, page.items.at(-1)?.id);
        cursor = page.next_cursor;
      }
      assert.deepEqual(
        pages.map((p) => p.length),
        [3, 3, 1],
      );
      assert.deepEqual(pages.flat(), newestFirst);

      // A last page that is exactly full still ends with next_cursor null.
      const first = await store.listSessions(t, { limit: 4 });
      assert.ok(first.next_cursor);
      const second = await store.listSessions(t, { limit: 3, cursor: first.next_cursor });
      assert.deepEqual(
        second.items.map((s) => s.id),
        newestFirst.slice(4),
      );
      assert.equal(second.next_cursor, null);
      const all = await store.listSessions(t, { limit: 7 });
      assert.equal(all.items.length, 7);
      assert.equal(all.next_cursor, null);
    });

    test('updateSession renames, replaces metadata, changes language and touches updated_at', async () => {
      const t = tenant();
      const s = await session(t, { title: 'old', metadata: { keep: false, n: 1 } });
      const renamed = await store.updateSession(t, s.id, { title: 'new' });
      assert.equal(renamed?.title, 'new');
      assert.deepEqual(renamed?.metadata, { keep: false, n: 1 });
      assert.equal(renamed?.created_at, s.created_at);
      assert.ok(renamed && renamed.updated_at >= s.updated_at);

      const changed = await store.updateSession(t, s.id, { metadata: { lang: 'ja' }, language: 'ja' });
      assert.deepEqual(changed?.metadata, { lang: 'ja' });
      assert.equal(changed?.language, 'ja');
      assert.equal(changed?.title, 'new');
      assert.deepEqual(await store.getSession(t, s.id), changed);
    });

    test('findSessionByMetadata finds the newest match within the tenant only', async () => {
      const t = tenant();
      assert.equal(await store.findSessionByMetadata(t, 'chat', 'c1'), undefined);
      await session(t, { metadata: { chat: 'c1' } });
      const newer = await session(t, { metadata: { chat: 'c1', other: 1 } });
      await session(t, { metadata: { chat: 'c2' } });
      await session(tenant(), { metadata: { chat: 'c1' } });
      assert.deepEqual(await store.findSessionByMetadata(t, 'chat', 'c1'), newer);
      assert.equal(await store.findSessionByMetadata(t, 'chat', "c1' or 1=1 --"), undefined);
      assert.equal(await store.findSessionByMetadata(t, 'other', '1'), undefined, 'only string values match');
    });

    test('deleteSession removes the session with its messages, runs and usage', async () => {
      const t = tenant();
      const s = await session(t);
      const kept = await session(t);
      await store.appendMessages(s.id, [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ]);
      await store.appendMessages(kept.id, [{ role: 'user', content: 'stays' }]);
      const run = await store.createRun(newRun(s));
      const keptRun = await store.createRun(newRun(kept));
      const usage = {
        tenant_id: t,
        agent_id: 'assistant',
        model: 'demo',
        input_tokens: 5,
        output_tokens: 7,
        cost: 0.5,
      };
      await store.recordUsage({ ...usage, session_id: s.id, run_id: run.id });
      await store.recordUsage({ ...usage, session_id: kept.id, run_id: keptRun.id });

      assert.equal(await store.deleteSession(t, s.id), true);
      assert.equal(await store.getSession(t, s.id), undefined);
      assert.deepEqual(await store.listMessages(s.id), []);
      assert.equal(await store.getRun(run.id), undefined);
      assert.deepEqual(await store.usageTotals({ tenantId: t, sessionId: s.id }), zero);
      assert.equal(await store.deleteSession(t, s.id), false);

      assert.equal((await store.listMessages(kept.id)).length, 1);
      assert.equal((await store.getRun(keptRun.id))?.id, keptRun.id);
      assert.deepEqual(await store.usageTotals({ tenantId: t }), {
        input_tokens: 5,
        output_tokens: 7,
        total_tokens: 12,
        total_cost: 0.5,
      });
    });

    test('20 concurrent appendMessages calls get contiguous positions, each batch in order', async () => {
      const s = await session(tenant());
      const batches = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.appendMessages(s.id, [
            { role: 'user', content: `q${i}` },
            { role: 'assistant', content: `a${i}` },
          ]),
        ),
      );
      for (const [i, batch] of batches.entries()) {
        assert.deepEqual(
          batch.map((m) => m.content),
          [`q${i}`, `a${i}`],
        );
        assert.equal(batch[1]!.position, batch[0]!.position + 1);
      }
      const listed = await store.listMessages(s.id);
      assert.deepEqual(
        listed.map((m) => m.position),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        batches.flat().sort((a, b) => a.position - b.position),
        listed,
      );
      const [next] = await store.appendMessages(s.id, [{ role: 'user', content: 'later' }]);
      assert.equal(next?.position, 41);
      assert.deepEqual(await store.appendMessages(s.id, []), []);
    });

    test('messages keep tool_calls, metadata and every field through the round trip', async () => {
      const s = await session(tenant());
      const runId = newId();
      const toolCalls: ToolCall[] = [
        { id: 'call_1', name: 'add', arguments: '{"a":1,"b":2}' },
        { id: 'call_2', name: 'now', arguments: '{}' },
      ];
      const metadata = {
        finish_reason: 'tool_calls',
        model: 'demo',
        usage: { input_tokens: 3, output_tokens: 4, total_tokens: 7, total_cost: 0.125 },
        nested: { list: [1, 'two', null, true, { deep: ['x'] }], empty: {} },
        text: '引号 "quotes" \\ backslash \n newline',
      };
      const messageId = newId();
      const written = await store.appendMessages(s.id, [
        { role: 'system', content: 'be brief' },
        { id: messageId, role: 'assistant', content: '', run_id: runId, tool_calls: toolCalls, metadata },
        { role: 'tool', content: '3', tool_call_id: 'call_1', name: 'add', run_id: runId },
      ]);
      const listed = await store.listMessages(s.id);
      assert.deepEqual(listed, written);
      const [system, assistant, tool] = listed;
      assert.deepEqual(
        { ...system, created_at: undefined },
        {
          id: system!.id,
          session_id: s.id,
          run_id: null,
          position: 1,
          role: 'system',
          content: 'be brief',
          tool_calls: null,
          tool_call_id: null,
          name: null,
          metadata: {},
          created_at: undefined,
        },
      );
      assert.equal(assistant?.id, messageId);
      assert.equal(assistant?.run_id, runId);
      assert.deepEqual(assistant?.tool_calls, toolCalls);
      assert.deepEqual(assistant?.metadata, metadata);
      assert.deepEqual(
        { role: tool?.role, tool_call_id: tool?.tool_call_id, name: tool?.name, content: tool?.content },
        { role: 'tool', tool_call_id: 'call_1', name: 'add', content: '3' },
      );
      assert.equal(new Date(tool!.created_at).toISOString(), tool!.created_at);
    });

    test('unicode and a 1 MB message survive unchanged', async () => {
      const t = tenant();
      const title = '规划 📐 Überprüfung — مرحبا — 計画 — e\u0301';
      const s = await session(t, { title, metadata: { emoji: '👩‍👩‍👧‍👦', tag: 'ñ' } });
      const line = '中文 English 日本語 Español Français 🚀 עברית\n';
      const big = line.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(line)));
      assert.ok(Buffer.byteLength(big) >= 1024 * 1024);
      await store.appendMessages(s.id, [
        { role: 'user', content: title },
        { role: 'assistant', content: big },
      ]);
      const [first, second] = await store.listMessages(s.id);
      assert.equal(first?.content, title);
      assert.equal(second?.content.length, big.length);
      assert.ok(second?.content === big);
      const read = await store.getSession(t, s.id);
      assert.equal(read?.title, title);
      assert.deepEqual(read?.metadata, { emoji: '👩‍👩‍👧‍👦', tag: 'ñ' });
    });

    test('runs: create with defaults, update, get, findActiveRun, listUnfinishedRuns', async () => {
      const t = tenant();
      const s = await session(t);
      const inputId = newId();
      const run = await store.createRun(newRun(s, { input: '2+2?' }));
      assert.deepEqual(
        {
          status: run.status,
          usage: run.usage,
          last_seq: run.last_seq,
          finish_reason: run.finish_reason,
          error_code: run.error_code,
          error_message: run.error_message,
          input_message_id: run.input_message_id,
          started_at: run.started_at,
          ended_at: run.ended_at,
          input: run.input,
          session_id: run.session_id,
          tenant_id: run.tenant_id,
        },
        {
          status: 'queued',
          usage: zero,
          last_seq: 0,
          finish_reason: null,
          error_code: null,
          error_message: null,
          input_message_id: null,
          started_at: null,
          ended_at: null,
          input: '2+2?',
          session_id: s.id,
          tenant_id: t,
        },
      );
      assert.deepEqual(await store.getRun(run.id, t), run);
      assert.equal((await store.findActiveRun(s.id))?.id, run.id);

      const startedAt = '2026-01-02T03:04:05.678Z';
      const running = await store.updateRun(run.id, {
        status: 'running',
        started_at: startedAt,
        input_message_id: inputId,
      });
      assert.equal(running?.status, 'running');
      assert.equal(running?.started_at, startedAt);
      assert.equal(running?.input_message_id, inputId);
      assert.deepEqual(await store.updateRun(run.id, {}), running);

      // A queued run waiting behind the running one: the running one is the active run.
      const waiting = await store.createRun(newRun(s));
      assert.equal((await store.findActiveRun(s.id))?.id, run.id);
      const unfinished = (await store.listUnfinishedRuns()).map((r) => r.id);
      assert.ok(unfinished.includes(run.id) && unfinished.includes(waiting.id));

      const usage = { input_tokens: 10, output_tokens: 20, total_tokens: 30, total_cost: 0.375 };
      const done = await store.updateRun(run.id, {
        status: 'completed',
        finish_reason: 'stop',
        usage,
        last_seq: 42,
        ended_at: '2026-01-02T03:04:09.000Z',
      });
      assert.deepEqual(
        {
          status: done?.status,
          finish_reason: done?.finish_reason,
          usage: done?.usage,
          last_seq: done?.last_seq,
        },
        { status: 'completed', finish_reason: 'stop', usage, last_seq: 42 },
      );
      assert.equal(done?.ended_at, '2026-01-02T03:04:09.000Z');
      assert.equal(done?.started_at, startedAt);
      assert.deepEqual(await store.getRun(run.id), done);
      assert.equal((await store.findActiveRun(s.id))?.id, waiting.id);

      const failed = await store.updateRun(waiting.id, {
        status: 'failed',
        error_code: 'upstream_error',
        error_message: 'boom',
        ended_at: null,
      });
      assert.deepEqual(
        { code: failed?.error_code, message: failed?.error_message, ended_at: failed?.ended_at },
        { code: 'upstream_error', message: 'boom', ended_at: null },
      );
      assert.equal(await store.findActiveRun(s.id), undefined);
      const after = (await store.listUnfinishedRuns()).map((r) => r.id);
      assert.ok(!after.includes(run.id) && !after.includes(waiting.id));
      assert.equal(await store.updateRun(newId(), { status: 'failed' }), undefined);
      assert.equal(await store.getRun(newId()), undefined);
    });

    test('usageTotals sums per session, per agent and per tenant', async () => {
      const t = tenant();
      const a = await session(t);
      const b = await session(t, { agent_id: 'planner' });
      const runA = await store.createRun(newRun(a));
      const runB = await store.createRun(newRun(b));
      const row = (s: SessionRecord, runId: string, input: number, output: number, cost: number) =>
        store.recordUsage({
          tenant_id: t,
          session_id: s.id,
          run_id: runId,
          agent_id: s.agent_id,
          model: 'demo',
          input_tokens: input,
          output_tokens: output,
          cost,
        });
      await row(a, runA.id, 100, 50, 0.25);
      await row(a, runA.id, 10, 5, 0.125);
      await row(b, runB.id, 1000, 2000, 1.5);

      assert.deepEqual(await store.usageTotals({ tenantId: t, sessionId: a.id }), {
        input_tokens: 110,
        output_tokens: 55,
        total_tokens: 165,
        total_cost: 0.375,
      });
      assert.deepEqual(await store.usageTotals({ tenantId: t, agentId: 'planner' }), {
        input_tokens: 1000,
        output_tokens: 2000,
        total_tokens: 3000,
        total_cost: 1.5,
      });
      assert.deepEqual(await store.usageTotals({ tenantId: t }), {
        input_tokens: 1110,
        output_tokens: 2055,
        total_tokens: 3165,
        total_cost: 1.875,
      });
      assert.deepEqual(await store.usageTotals({ tenantId: t, sessionId: a.id, agentId: 'planner' }), zero);
      assert.deepEqual(await store.usageTotals({ tenantId: tenant() }), zero);
      assert.deepEqual(await store.usageTotals({ tenantId: tenant(), sessionId: a.id }), zero);
    });
  });
}

const zero = { input_tokens: 0, output_tokens: 0, total_tokens: 0, total_cost: 0 };

function isUuidV7(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id);
}

function isCode(code: string) {
  return (error: unknown) => error instanceof SluiceError && error.code === code;
}
