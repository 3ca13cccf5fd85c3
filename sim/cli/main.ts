// The kqsim executable: parse argv, run, exit with the command's code (0, 1 or 2).
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
