// The kqsim executable: parse argv, run, exit with the command's code (0, 1, 2 or 130).
import { main } from './cli.ts';

// A reader that stops reading (`kqsim run x | head`) ends the output quietly, not with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(Number(process.exitCode ?? 0));
});

process.exitCode = await main(process.argv.slice(2));
