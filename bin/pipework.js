#!/usr/bin/env node
// Entry point for `npx pipework` and `npm start`. No build step: the TypeScript sources run from a start-up bundle
// that is rebuilt whenever a source changes (decision 0181), or through tsx when no bundle can be written.
import { fileURLToPath } from 'node:url';
import { runEntry } from './bundle.js';

const path = (relative) => fileURLToPath(new URL(relative, import.meta.url));
await runEntry(path('../src/cli/bin.ts'), path('../node_modules/.cache/pipework/'));
