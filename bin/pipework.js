#!/usr/bin/env node
// Entry point for `npx pipework` and `npm start`: TypeScript runs through tsx, no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
