import { Type } from '@sinclair/typebox';
import type { Backend } from '../port.ts';

export const EmailConfig = Type.Object({});
export function emailBackend(_name: string, _config: unknown): Backend {
  throw new Error('not yet');
}
