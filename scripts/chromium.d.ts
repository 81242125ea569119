export const CHROMIUM: string;
export const INSTALL: string;
export function ensureChromium(options?: { path?: string; uid?: number; aptGet?: string; log?: (line: string) => void }): { ok: true } | { ok: false; message: string };
