// Starts a fastchat CLI from its compiled module, building the project first when run straight from
// a fresh clone. Kept plain JavaScript so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, name) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (result.status !== 0) {
    process.stderr.write(`${name}: "${command} ${args.join(' ')}" failed in ${root}\n`);
    process.exit(1);
  }
}

/** Imports dist/src/cli/<name>.js and runs its main() with the command line. */
export async function launch(name) {
  const entry = join(root, 'dist', 'src', 'cli', `${name}.js`);
  if (!existsSync(entry)) {
    process.stderr.write(`${name}: first run from this checkout: installing and building (npm ci, npm run build)…\n`);
    if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund'], name);
    run('npm', ['run', 'build', '--silent'], name);
  }
  const { main } = await import(pathToFileURL(entry).href);
  await main(process.argv.slice(2));
}
