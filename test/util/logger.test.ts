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

  it("writes its own fields on every line, before the entry's", () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (l) => lines.push(l), now: () => 0, fields: { worker: 1 } });
    logger.info('ready', { port: 8001 });
    logger.warn('slow');
    expect(lines).toEqual(['1970-01-01T00:00:00.000Z INFO ready worker=1 port=8001', '1970-01-01T00:00:00.000Z WARN slow worker=1']);
  });
});

describe('createLogger with format json', () => {
  const jsonLines = (fields?: Record<string, number>) => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', write: (l) => lines.push(l), now: () => 0, ...(fields ? { fields } : {}) });
    return { lines, logger };
  };

  it('writes one object a line with ts, level, msg and typed fields, its own fields included', () => {
    const { lines, logger } = jsonLines({ worker: 1 });
    logger.info('ready', { port: 8001, legacy: true, host: '127.0.0.1', skipped: undefined });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      ts: '1970-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'ready',
      worker: 1,
      port: 8001,
      legacy: true,
      host: '127.0.0.1',
    });
  });

  it('keeps a peer-supplied string with newlines and quotes inside one line, unchanged once parsed', () => {
    const { lines, logger } = jsonLines();
    const hostile = 'a"\n{"level":"error","msg":"FAKE"}\r\n\\';
    logger.warn('bad input', { error: hostile });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'bad input', error: hostile });
  });

  it('does not let a field overwrite ts, level or msg', () => {
    const { lines, logger } = jsonLines();
    logger.error('real', { level: 'debug', msg: 'fake' });
    expect(JSON.parse(lines[0]!)).toEqual({
      ts: '1970-01-01T00:00:00.000Z',
      level: 'error',
      msg: 'real',
      'field.level': 'debug',
      'field.msg': 'fake',
    });
  });

  it('drops entries below its level, as the text format does', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', level: 'warn', write: (l) => lines.push(l) });
    logger.info('i');
    logger.error('e');
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['error']);
  });
});
