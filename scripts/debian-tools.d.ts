export interface Tool { path: string; pkg: string; usedBy: string }
export const CHROMIUM: string;
export const TOOLS: { chromium: Tool; wrk: Tool };
export function installCommand(pkgs: string[]): string;
export function ensureTools(tools: Tool[], options?: { uid?: number; aptGet?: string; log?: (line: string) => void }): { ok: true } | { ok: false; message: string };
