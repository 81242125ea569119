import { Type } from '@sinclair/typebox';
import type { Backend } from '../port.ts';

export const FileDropConfig = Type.Object({});
export function fileDropBackend(_name: string, _config: unknown): Backend {
  throw new Error('not yet');
}
