// A fastchat process that queues and sends from the shared outbox (the compiled Outbox: run `npm run build` first):
//   node outbox-racer.mjs HOME TAG COUNT
// Adds COUNT entries TAG-1…TAG-COUNT, removes every third (as if acknowledged), claims what it should
// send, prints one JSON line {claimed: [cid…]}, and stays alive (owning its entries) until stdin closes.
import { Outbox } from '../../dist/src/client/outbox.js';
import { LocalStore } from '../../dist/src/client/local-store.js';

const [home, tag, count] = process.argv.slice(2);
const outbox = await Outbox.load(new LocalStore(home, 'racer'));
const adds = [];
for (let i = 1; i <= Number(count); i++) {
  adds.push(outbox.add({ cid: `${tag}-${i}`, conversation: 1, sealedContent: 'x', createdAt: i }));
}
await Promise.all(adds);
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) => i + 1)
    .filter((i) => i % 3 === 0)
    .map((i) => outbox.remove(`${tag}-${i}`)),
);
const claimed = (await outbox.claim()).map((e) => e.cid);
process.stdout.write(JSON.stringify({ claimed }) + '\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
