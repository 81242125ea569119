// Runs the test webhook back-end as a process of its own (the benchmark uses it so the
// back-end does not share Pipework's event loop): prints its URL, serves GET …/stats.
// Usage: node --import tsx test/support/backends/webhook-peer-main.ts SECRET
import { webhookPeer } from './webhook-peer.ts';

const peer = await webhookPeer({ secret: process.argv[2] ?? '' });
process.stdout.write(`${peer.url}\n`);
process.on('SIGTERM', () => void peer.close().then(() => process.exit(0)));
