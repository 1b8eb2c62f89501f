#!/usr/bin/env node
// Gallop runs its TypeScript through tsx with no build step: register it, then load the sources.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
