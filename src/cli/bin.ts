import { main, RUNNING } from './main.ts';

// The only place the command line touches process state.
const code = await main(process.argv.slice(2), process.env);
if (code !== RUNNING) process.exit(code);
