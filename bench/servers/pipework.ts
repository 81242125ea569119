// Pipework's serve() with its default config and logging, on 127.0.0.1 and a free port, through tsx: for the tools
// that load a hook beside it or read its port over IPC (pg-work, cpu-profile, syscalls). The open311 and events
// sections start the binary itself, as `npm start` does (startBinary in bench/lib/load.ts).
import { loadConfig } from '../../src/config/load.ts';
import { serve } from '../../src/server.ts';

try {
  const config = loadConfig({ ...process.env, HOST: '127.0.0.1', PORT: '0' });
  const app = await serve(config);
  process.send!({ port: (app.server.address() as { port: number }).port });
} catch (err) {
  process.send!({ error: (err as Error).message });
  process.exit(1);
}
