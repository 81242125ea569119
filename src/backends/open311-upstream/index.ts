import { Type } from '@sinclair/typebox';
import type { Backend } from '../port.ts';

export const Open311UpstreamConfig = Type.Object({});
export function open311UpstreamBackend(_name: string, _config: unknown): Backend {
  throw new Error('not yet');
}
