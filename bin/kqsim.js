#!/usr/bin/env node
// Launcher: register tsx's loader so the TypeScript sources (and user scenarios) run as-is.
import { register } from 'tsx/esm/api';

register();
await import('../sim/cli/main.ts');
