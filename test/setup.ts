import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Deterministic environment for every test file.
process.env.FORCE_COLOR = '0';
process.env.TZ = 'UTC';

// A data home of its own for each test file: a command run without --home or --data-dir (a server's
// TLS certificate, a client's pins) writes there, never into the home of whoever runs the suite.
const dataHome = mkdtempSync(join(tmpdir(), 'fastchat-test-xdg-'));
process.env.XDG_DATA_HOME = dataHome;
afterAll(() => rmSync(dataHome, { recursive: true, force: true }));
