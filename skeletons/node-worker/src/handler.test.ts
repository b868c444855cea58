import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handle, SAMPLE_DELAY_FIELD, SAMPLE_POISON_FIELD } from './handler';
import { createLogger } from './log';
import { Message, NonRetryableError } from './message';
import type { MessageStore } from './store';
import { logCapture } from './test-helpers';

const message = (body: string): Message => ({ id: '1-0', body: Buffer.from(body), headers: {}, attempt: 1 });
const context = (signal = new AbortController().signal) => {
  const capture = logCapture();
  return { capture, context: { signal, log: createLogger('info', capture.stream) } };
};

test('the sample handler processes a JSON message and logs it without its body', async () => {
  const { capture, context: ctx } = context();
  await handle(message('{"orderId":"secret-order-42"}'), ctx);
  assert.equal(capture.lines().at(-1)?.msg, 'sample handler processed a message');
  assert.doesNotMatch(capture.text(), /secret-order-42/);
});

test('the sample poison marker fails every attempt, with a retryable error', async () => {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await assert.rejects(handle({ ...message(JSON.stringify({ [SAMPLE_POISON_FIELD]: true })), attempt }, context().context), (error: unknown) => {
      assert.ok(error instanceof Error && !(error instanceof NonRetryableError));
      assert.match(error.message, /sample poison message/);
      return true;
    });
  }
});

test('with a store, the sample handler resolves only once the message is stored, and stores the parsed body', async () => {
  const calls: Array<{ id: string; body: unknown }> = [];
  let commit!: () => void;
  const committed = new Promise<void>(resolve => (commit = resolve));
  const store: MessageStore = {
    async store(stored, body) {
      calls.push({ id: stored.id, body });
      await committed;
      return 'stored';
    },
  };
  const { capture, context: ctx } = context();
  let resolved = false;
  const handling = handle(message('{"voter_id":"v1","vote":"a"}'), { ...ctx, store }).then(() => (resolved = true));
  await new Promise(resolve => setImmediate(resolve));
  assert.equal(resolved, false, 'the handler resolved before the store committed');
  commit();
  await handling;
  assert.deepEqual(calls, [{ id: '1-0', body: { voter_id: 'v1', vote: 'a' } }]);
  assert.equal(capture.lines().at(-1)?.msg, 'sample handler stored a message');
});

test('with a store, a body that is not JSON is rejected before anything is stored', async () => {
  const store: MessageStore = { store: async () => assert.fail('stored a message that is not JSON') };
  await assert.rejects(handle(message('not json'), { ...context().context, store }), NonRetryableError);
});

test('a body that is not JSON is rejected without retries', async () => {
  await assert.rejects(handle(message('not json'), context().context), NonRetryableError);
});

test('the sample delay holds the message, and the signal cuts it short', async () => {
  const started = Date.now();
  await handle(message(JSON.stringify({ [SAMPLE_DELAY_FIELD]: 150 })), context().context);
  assert.ok(Date.now() - started >= 140);

  const controller = new AbortController();
  const cut = Date.now();
  setTimeout(() => controller.abort(new Error('drain deadline')), 50);
  await assert.rejects(handle(message(JSON.stringify({ [SAMPLE_DELAY_FIELD]: 10_000 })), context(controller.signal).context));
  assert.ok(Date.now() - cut < 2000);
});
