const LF = 0x0a;
const I = 0x69;
const D = 0x64;
const COLON = 0x3a;

/**
 * Counts SSE events in a byte stream fed in arbitrary chunks: an event is a frame (lines ended by
 * a blank line) with an `id:` line, so `retry:` frames and `: heartbeat` comments do not count.
 * Frames, lines and the `id:` prefix may be split anywhere across chunks. Lines end with LF, as
 * both benchmarked servers write them (a CR before the LF would hide blank lines: not supported).
 * Reads only the first three bytes of each line and skips the rest with indexOf, so it costs far
 * less than decoding.
 */
export class FrameCounter {
  /** Bytes of the current line so far, counted up to 3 (the length of `id:`). */
  private lineLen = 0;
  private idPrefix = false;
  private frameHasId = false;

  /** Feeds one chunk; returns the number of events it completed. */
  feed(chunk: Uint8Array): number {
    let events = 0;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const byte = chunk[i]!;
      if (byte === LF) {
        if (this.lineLen === 0 && this.frameHasId) {
          events++;
          this.frameHasId = false;
        }
        this.lineLen = 0;
        i++;
      } else if (this.lineLen < 3) {
        const expected = this.lineLen === 0 ? I : this.lineLen === 1 ? D : COLON;
        this.idPrefix = (this.lineLen === 0 || this.idPrefix) && byte === expected;
        this.lineLen++;
        if (this.lineLen === 3 && this.idPrefix) this.frameHasId = true;
        i++;
      } else {
        const next = chunk.indexOf(LF, i);
        if (next === -1) break;
        i = next;
      }
    }
    return events;
  }
}
