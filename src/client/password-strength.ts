import { WeakPasswordError } from './errors.js';

/**
 * The least zxcvbn score a new password must reach: 3, "safely unguessable" — about 10^8 guesses
 * or more by zxcvbn's model of a guesser who tries common passwords, words, names, dates, keyboard
 * patterns and l33t first. Against a copy of what the server holds, or one login seen in the clear,
 * each guess costs one scrypt of 32 MiB (docs/crypto.md § Passwords), so 10^8 guesses are about 100
 * CPU-days. The server never sees the password, so only a client can check it: the CLI and the TUI do,
 * at signup and at a change.
 */
export const MIN_PASSWORD_SCORE = 3;

export interface PasswordStrength {
  /** zxcvbn's 0–4. */
  readonly score: number;
  /** log10 of the guesses zxcvbn estimates. */
  readonly guessesLog10: number;
  /** What is wrong and what to do, in words; empty when strong enough. */
  readonly advice: string;
}

type Estimator = (
  password: string,
  userInputs: string[],
) => { score: number; guessesLog10: number; feedback: { warning: string | null; suggestions: string[] } };

let estimator: Promise<Estimator> | undefined;

/** The estimator with the common and English dictionaries, loaded on first use only (~0.5 s, 9 MB). */
function loadEstimator(): Promise<Estimator> {
  estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    const factory = new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
    return (password, userInputs) => factory.check(password, userInputs);
  })();
  return estimator;
}

/** How guessable `password` is for the account `name` (the name and "fastchat" count as known words). */
export async function passwordStrength(name: string, password: string): Promise<PasswordStrength> {
  const estimate = (await loadEstimator())(password, [name, 'fastchat']);
  const advice =
    estimate.score >= MIN_PASSWORD_SCORE
      ? ''
      : [estimate.feedback.warning, ...estimate.feedback.suggestions].filter((s): s is string => !!s).join(' ');
  return { score: estimate.score, guessesLog10: estimate.guessesLog10, advice };
}

/** @throws WeakPasswordError naming why, when `password` scores under MIN_PASSWORD_SCORE */
export async function requireStrongPassword(name: string, password: string): Promise<void> {
  const strength = await passwordStrength(name, password);
  if (strength.score >= MIN_PASSWORD_SCORE) return;
  const why = strength.advice === '' ? '' : ` ${strength.advice}`;
  throw new WeakPasswordError(
    `that password is too easy to guess (strength ${strength.score} of 4, at least ${MIN_PASSWORD_SCORE} needed; about 10^${Math.round(strength.guessesLog10)} guesses).${why} A few unrelated words make a strong one.`,
  );
}
