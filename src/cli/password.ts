/**
 * The password: FASTCHAT_PASSWORD when set (scripts), otherwise asked on the terminal without echo.
 * `confirm` asks twice (signup) and insists they match.
 */
export async function readPassword(prompt: string, confirm = false): Promise<string> {
  const fromEnv = process.env.FASTCHAT_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new Error('no terminal to ask for the password on: set FASTCHAT_PASSWORD');
  }
  const first = await askHidden(prompt);
  if (!confirm) return first;
  const second = await askHidden('again: ');
  if (first !== second) throw new Error('the passwords do not match');
  return first;
}

/**
 * A new password (`fastchat password`): FASTCHAT_NEW_PASSWORD when set (scripts), otherwise asked
 * twice on the terminal without echo.
 */
export async function readNewPassword(prompt: string): Promise<string> {
  const fromEnv = process.env.FASTCHAT_NEW_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new Error('no terminal to ask for the new password on: set FASTCHAT_NEW_PASSWORD');
  const first = await askHidden(prompt);
  const second = await askHidden('again: ');
  if (first !== second) throw new Error('the passwords do not match');
  return first;
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    process.stderr.write(prompt);
    let typed = '';
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const done = (result: string | Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done(typed);
        if (char === '\u0003') return done(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else if (char >= ' ') typed += char;
      }
    };
    input.on('data', onData);
  });
}
