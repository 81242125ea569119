import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { ContractHarness } from '../backend-contract.ts';
import { emailBackend } from '../../../src/backends/email/index.ts';

/** The email adapter against a real SMTP server (smtp-server) on 127.0.0.1, messages read back with mailparser. */
export async function emailHarness(): Promise<ContractHarness> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream).then((m) => {
        mails.push(m);
        done();
      }, done);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  const backend = emailBackend('backoffice', { to: 'highways@example.gov.uk', from: 'pipework@example.gov.uk', subjectPrefix: '[Pipework]', smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false }, statusMap: { DONE: 'fixed' } }, { timeoutMs: 2000 });
  let closed = false;
  return {
    backend,
    honoursIdempotency: false,
    casesFor: async (d) => mails.filter((m) => m.text?.includes(d) && !m.subject?.includes('update from the resident')).length,
    commentsFor: async (ref) => mails.filter((m) => m.subject?.includes(ref) && m.subject.includes('update from the resident')).map((m) => m.text ?? ''),
    async breakPeer() {
      closed = true;
      await backend.close?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async close() {
      await backend.close?.();
      if (!closed) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
