/**
 * The seqs one client has assembled of one run, over any number of connections: a client that
 * resumes sends its `lastSeq` as Last-Event-ID, so the next connection must go on at lastSeq + 1.
 * A run's events are 1, 2, 3, ... up to its conversation_end, so anything else is a defect:
 * a jump forward loses events, a seq at or below the last one is a repeat, an event after
 * conversation_end should not exist.
 */
export class SeqChain {
  /** The last seq accepted; a resuming client sends it as Last-Event-ID. */
  lastSeq: number;
  /** conversation_end was accepted. */
  ended = false;
  /** Events accepted in order. */
  checked = 0;
  /** Seqs skipped over by a jump forward. */
  lost = 0;
  /** Events at or below the last seq (repeated or out of order). */
  repeated = 0;
  /** Events after conversation_end. */
  afterEnd = 0;

  /** `from`: seqs 1..from were already checked (by an earlier client this one takes over from). */
  constructor(from = 0) {
    this.lastSeq = from;
  }

  accept(seq: number, eventType: string | undefined): void {
    if (this.ended) {
      this.afterEnd++;
      return;
    }
    if (seq <= this.lastSeq) {
      this.repeated++;
      return;
    }
    this.lost += seq - this.lastSeq - 1;
    this.lastSeq = seq;
    this.checked++;
    if (eventType === 'conversation_end') this.ended = true;
  }

  /** What went wrong, as error kinds; empty when the chain is sound so far. */
  problems(): string[] {
    const found: string[] = [];
    if (this.lost > 0) found.push('seq gap (events lost)');
    if (this.repeated > 0) found.push('seq repeated or out of order');
    if (this.afterEnd > 0) found.push('event after conversation_end');
    return found;
  }
}
