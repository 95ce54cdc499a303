import { config } from 'zod';

// The page's policy forbids eval. zod probes for it (logging a CSP violation) to compile parsers when a schema is
// built, so this must run before any module that builds one: main.ts imports it first.
config({ jitless: true });
