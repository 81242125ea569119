export function ownMappings(text: string, sources: { isOwn: (url: string) => boolean; locate: (source: string) => string }): string;
