import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/logger.js';

describe('createLogger', () => {
  it('writes one line per entry with time, level and fields, quoting values with spaces', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l), now: () => 0 });
    logger.info('ready', { port: 8001, host: '127.0.0.1', note: 'two words', skipped: undefined });
    expect(lines).toEqual(['1970-01-01T00:00:00.000Z INFO ready port=8001 host=127.0.0.1 note="two words"']);
  });

  it('keeps a peer-supplied newline from starting a new line', () => {
    const lines: string[] = [];
    createLogger({ write: (l) => lines.push(l), now: () => 0 }).warn('bad', { value: 'a\nFAKE ERROR' });
    expect(lines[0]).toBe('1970-01-01T00:00:00.000Z WARN bad value="a\\nFAKE ERROR"');
  });

  it('drops entries below its level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['WARN', 'ERROR']);
  });

  it('writes its own fields on every line, before the entry\'s', () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l), now: () => 0, fields: { worker: 1 } });
    logger.info('ready', { port: 8001 });
    logger.warn('slow');
    expect(lines).toEqual(['1970-01-01T00:00:00.000Z INFO ready worker=1 port=8001', '1970-01-01T00:00:00.000Z WARN slow worker=1']);
  });
});
