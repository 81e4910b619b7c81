/** A port list or range given on the command line could not be read. */
export class PortListError extends Error {
  override readonly name = 'PortListError';
}

/**
 * Reads a port list: comma-separated ports and inclusive ranges, such as `8001-8004` or `8001,8003`
 * or `8001-8002,9000`. Returns the ports in the order given, each once. Port 0 (any free port) is
 * accepted alone, for tests.
 */
export function parsePortList(text: string): number[] {
  const ports: number[] = [];
  const seen = new Set<number>();
  const add = (port: number) => {
    if (seen.has(port) && port !== 0) throw new PortListError(`port ${port} is listed twice in "${text}"`);
    seen.add(port);
    ports.push(port);
  };
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d{1,5})-(\d{1,5})$/.exec(part);
    if (range) {
      const first = toPort(range[1]!, text);
      const last = toPort(range[2]!, text);
      if (first === 0 || last < first) throw new PortListError(`"${part}" is not a valid port range (low-high, low ≥ 1)`);
      for (let port = first; port <= last; port++) add(port);
    } else if (/^\d{1,5}$/.test(part)) {
      add(toPort(part, text));
    } else {
      throw new PortListError(`"${part}" is not a port or a range like 8001-8004`);
    }
  }
  return ports;
}

function toPort(digits: string, text: string): number {
  const port = Number(digits);
  if (port > 65535) throw new PortListError(`port ${port} in "${text}" is above 65535`);
  return port;
}
