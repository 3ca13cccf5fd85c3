/*
 * npm run bench. The exploration issue adds the real figures (step cost against a bare
 * generator loop, schedules per second, reduction ratios, PCT vs random). Until then this
 * says so rather than printing numbers that measure nothing.
 */
process.stdout.write('kqsim bench: nothing is measured yet (the figures arrive with the exploration strategies).\n');
