import type { Channel } from '../core/notifications/notification.ts';
import type { OutgoingMessage } from './messages.ts';

/**
 * One way of sending residents' messages (SMTP, GOV.UK Notify). It only
 * sends; the sender loop decides what, when, and what a failure means.
 */
export interface Transport {
  readonly name: string;
  readonly channels: readonly Channel[];
  /** Resolves with the provider's reference for the message, if it gives one. Throws SendError. */
  send(message: OutgoingMessage): Promise<{ ref?: string }>;
  close?(): Promise<void>;
}

/** A failed send. `permanent`: trying again cannot help (SMTP 5xx, Notify 400/403); it is recorded against the request. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}
