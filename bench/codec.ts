import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { FrameDecoder, LegacyJsonDecoder, encodeFrame, encodeLegacyJson } from '../src/protocol/index.js';

/** Chunk size fed to the decoders: what a busy TCP socket hands Node at a time. */
const CHUNK_BYTES = 64 * 1024;
/** Bytes decoded per timed run. */
const STREAM_BYTES = 32 * 1024 * 1024;
const RUNS = 5;

export interface CodecResult {
  readonly codec: 'framed' | 'legacy';
  readonly messageBytes: number;
  readonly framesPerSecond: number;
  readonly megabytesPerSecond: number;
}

/** A framed message of about `size` bytes: a direct send with an opaque ciphertext, as the chat protocol carries. */
function framedMessage(size: number, id: number): Buffer {
  const overhead = encodeFrame({ t: 'send', id, to: 'bob', cid: 'c7d0b5c2-3f4e-4b8a-9d1e-2a6f0c9e8b71', body: Buffer.alloc(0) }).length;
  return encodeFrame({
    t: 'send',
    id,
    to: 'bob',
    cid: 'c7d0b5c2-3f4e-4b8a-9d1e-2a6f0c9e8b71',
    body: randomBytes(Math.max(0, size - overhead - 2)),
  });
}

/** A legacy send-message of about `size` bytes: RSA ciphertext bytes written in decimal, as the 2022 client does. */
function legacyMessage(size: number): Buffer {
  const digits: string[] = [];
  let length = 0;
  while (length < size - 60) {
    const n = String(Math.floor(Math.random() * 256));
    digits.push(n);
    length += n.length + 1;
  }
  return encodeLegacyJson({ 'info-type': 'send-message', text: digits.join(' '), receiver: 'q7Xk2Lm' });
}

function chunked(stream: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += CHUNK_BYTES) chunks.push(stream.subarray(at, at + CHUNK_BYTES));
  return chunks;
}

function measure(codec: 'framed' | 'legacy', size: number): CodecResult {
  const one = codec === 'framed' ? framedMessage(size, 1) : legacyMessage(size);
  const count = Math.floor(STREAM_BYTES / one.length);
  const messages = Array.from({ length: count }, (_, i) => (codec === 'framed' ? framedMessage(size, i) : legacyMessage(size)));
  const stream = Buffer.concat(messages);
  const chunks = chunked(stream);
  let best = Infinity;
  for (let run = 0; run < RUNS; run++) {
    let decoded = 0;
    const onMessage = () => void decoded++;
    const started = process.hrtime.bigint();
    if (codec === 'framed') {
      const decoder = new FrameDecoder();
      for (const chunk of chunks) decoder.feed(chunk, onMessage);
    } else {
      const decoder = new LegacyJsonDecoder();
      for (const chunk of chunks) decoder.feed(chunk, onMessage);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (decoded !== count) throw new Error(`decoded ${decoded} of ${count} ${codec} messages`);
    best = Math.min(best, seconds);
  }
  return {
    codec,
    messageBytes: Math.round(stream.length / count),
    framesPerSecond: Math.round(count / best),
    megabytesPerSecond: Math.round((stream.length / best / 1e6) * 10) / 10,
  };
}

/** Decodes 32 MiB of each codec and size in 64 KiB chunks, best of 5 runs, on one core. */
export function runCodecBench(): CodecResult[] {
  const results: CodecResult[] = [];
  for (const codec of ['framed', 'legacy'] as const) {
    for (const size of [200, 4096]) results.push(measure(codec, size));
  }
  return results;
}

export function formatCodecResults(results: readonly CodecResult[]): string {
  const lines = [
    `codec decode, ${CHUNK_BYTES / 1024} KiB chunks, best of ${RUNS} runs over ${STREAM_BYTES / 1024 / 1024} MiB, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
    '',
    '| codec | message bytes | frames/s | MB/s |',
    '| --- | ---: | ---: | ---: |',
    ...results.map((r) => `| ${r.codec} | ${r.messageBytes} | ${r.framesPerSecond.toLocaleString('en-US')} | ${r.megabytesPerSecond} |`),
  ];
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(formatCodecResults(runCodecBench()) + '\n');
}
