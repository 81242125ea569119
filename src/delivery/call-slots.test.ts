import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallSlots } from './call-slots.ts';

test('call slots: at most `size` at once, handed out in the order asked, and a watch on the queue', async () => {
  const slots = new CallSlots(2);
  const order: number[] = [];
  let open = 0;
  let most = 0;
  let queueLow = false;
  const run = async (i: number) => {
    await slots.take();
    order.push(i);
    most = Math.max(most, ++open);
    await new Promise((r) => setTimeout(r, 5));
    open--;
    slots.give();
  };
  const all = Promise.all([1, 2, 3, 4, 5, 6].map(run));
  // Four wait behind the first two; the watch resolves once at most one is left waiting.
  const low = slots.waitingAtMost(1).then(() => (queueLow = true));
  assert.equal(queueLow, false);
  await low;
  assert.ok(order.length >= 5, `resolved with ${order.length} started`);
  await all;
  assert.deepEqual(order, [1, 2, 3, 4, 5, 6]);
  assert.equal(most, 2);
  await slots.waitingAtMost(0);
});
