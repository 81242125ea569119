export function runEntry(entry: string, cacheDir: string): Promise<unknown>;
export function bundledEntry(entry: string, cacheDir: string, warn?: (message: string) => void): Promise<string | null>;
