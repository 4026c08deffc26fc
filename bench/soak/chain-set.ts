import { SeqChain } from './seq-chain.ts';
import type { Tally } from './tally.ts';

/**
 * The chains one client filled, tallied together once it is done, whether it finished or
 * failed halfway: an exception must not hide the events a chain had already checked or lost.
 */
export class ChainSet {
  private readonly chains: Array<{ chain: SeqChain; missing: number }> = [];

  /** A new chain; `from`: seqs 1..from were checked by an earlier client. */
  add(from = 0): SeqChain {
    const chain = new SeqChain(from);
    this.chains.push({ chain, missing: 0 });
    return chain;
  }

  /** Events the run had past the chain's end, which the client never received. */
  missing(chain: SeqChain, events: number): void {
    const entry = this.chains.find((c) => c.chain === chain);
    if (entry) entry.missing += events;
  }

  tallyInto(tally: Tally, scenario: string): void {
    for (const { chain, missing } of this.chains) tally.chain(scenario, chain, missing);
  }
}
