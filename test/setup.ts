// Deterministic environment for every test file.
process.env.FORCE_COLOR = '0';
process.env.TZ = 'UTC';
