import { duplexPair, type Duplex } from 'node:stream';

/**
 * An in-memory pair of connected streams that behaves like a socket pair where it matters to a server
 * test: when one side is destroyed (a server cutting a peer), the other side closes too, as a TCP peer
 * sees a reset. Node's duplexPair alone leaves the other side open for ever.
 */
export function socketPair(): [Duplex, Duplex] {
  const [a, b] = duplexPair();
  a.once('close', () => b.destroy());
  b.once('close', () => a.destroy());
  return [a, b];
}
