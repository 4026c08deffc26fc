import type { HttpClient } from './http.ts';
import type { Random } from './random.ts';
import type { RecentRuns } from './recent-runs.ts';
import type { Tally } from './tally.ts';

/** What every soak client works with: the server, the phase's counts, the seeded choices. */
export interface SoakContext {
  client: HttpClient;
  tally: Tally;
  random: Random;
  recent: RecentRuns;
}
