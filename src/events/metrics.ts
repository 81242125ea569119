import { Counter, type Registry } from 'prom-client';
import type { EventPusher } from './pusher.ts';

/**
 * The pusher's own counts on /metrics: rounds, polls, events pushed and its
 * database calls. Divide rounds or database calls by events pushed for the
 * cost of a delivery that a shared, busy machine cannot blur (wall-clock can).
 */
export function pusherMetrics(registry: Registry, pusher: EventPusher) {
  const counter = (name: string, help: string, read: () => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  counter('pipework_event_push_rounds_total', 'Pusher rounds that found a subscription due', () => pusher.stats.rounds);
  counter('pipework_event_push_polls_total', 'Pusher looks for due subscriptions, busy or not', () => pusher.stats.polls);
  counter('pipework_events_pushed_total', 'Events delivered to subscribers (one signed POST each)', () => pusher.stats.pushed);
  counter('pipework_event_push_db_calls_total', 'Database calls the pusher made', () => pusher.stats.dbCalls);
}
