/** `bench/soak.ts [--minutes N] [--cycles N] [--quick] [--seed N]`. */
export interface SoakArgs {
  quick: boolean;
  cycles: number;
  minutes: number;
  seed: number;
}

/** The full soak: what `npm run bench:soak` does without arguments. */
export const FULL_SOAK = { cycles: 10_000, minutes: 30 };

export const USAGE = 'usage: node --import tsx bench/soak.ts [--minutes N] [--cycles N] [--quick] [--seed N]';

/** Throws with a message for the user on anything it does not understand. */
export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  let quick = false;
  let cycles: number | undefined;
  let minutes: number | undefined;
  let seed: number | undefined;
  const number = (flag: string, value: string | undefined, min: number, max: number): number => {
    const n = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new Error(`${flag} needs a number from ${min} to ${max}, got ${value ?? 'nothing'}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--cycles') cycles = Math.round(number(arg, argv[++i], 0, 1_000_000));
    else if (arg === '--minutes') minutes = number(arg, argv[++i], 0, 24 * 60);
    else if (arg === '--seed') seed = Math.round(number(arg, argv[++i], 0, 2 ** 32 - 1));
    else throw new Error(`unknown argument ${arg}`);
  }
  return {
    quick,
    cycles: cycles ?? (quick ? 200 : FULL_SOAK.cycles),
    minutes: minutes ?? (quick ? 0.25 : FULL_SOAK.minutes),
    seed: seed ?? Math.floor(Math.random() * 2 ** 32),
  };
}
