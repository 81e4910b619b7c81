import { parsePortList } from '../util/ports.js';

/** Reads one TCP port number from a flag, with an error naming the flag. */
export function portOption(flag: string, allowZero = false) {
  return (value: unknown): number => {
    const text = String(value);
    const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!(port >= (allowZero ? 0 : 1) && port <= 65535)) {
      throw new Error(`--${flag}: "${text}" is not a port number (1-65535)`);
    }
    return port;
  };
}

/** Reads a port list flag (`8001-8004`, `8001,8003`), with an error naming the flag. */
export function portListOption(flag: string) {
  return (value: unknown): number[] => {
    try {
      return parsePortList(String(value));
    } catch (error) {
      throw new Error(`--${flag}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/** Reads a positive integer flag within bounds. */
export function integerOption(flag: string, min: number, max: number) {
  return (value: unknown): number => {
    const text = String(value);
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(n >= min && n <= max)) throw new Error(`--${flag}: "${text}" must be a whole number from ${min} to ${max}`);
    return n;
  };
}

/** Reads `HOST:PORT` (an IPv6 host in brackets), with an error naming the flag. */
export function hostPortOption(flag: string) {
  return (value: unknown): { host: string; port: number } => {
    const text = String(value);
    const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
    const port = match ? Number(match[3]) : NaN;
    if (!match || !(port >= 1 && port <= 65535)) throw new Error(`--${flag}: "${text}" is not HOST:PORT (for example 127.0.0.1:8000)`);
    return { host: match[1] ?? match[2]!, port };
  };
}
