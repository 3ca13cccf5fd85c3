/*
 * The control block shared by a thread that runs scenario code (a worker) and the thread
 * that watches it: a few words in a SharedArrayBuffer, written without locks (each word has
 * one writer, and a reader that sees a stale value just sees it a poll later).
 *
 *   control_buffer()        a new block
 *   ControlBlock(buffer)    both sides: the worker's stop/need/progress/heartbeat, the
 *                           watcher's reads and requests
 */
import type { Heartbeat, Machine } from '../../src/machine/machine.ts';

const STOP = 0;
const LAST_NEEDED = 1;
const FAILED_CHUNK = 2;
const EXECUTIONS = 3;
const PRUNED = 4;
const STEPS = 5;
const BEATS = 6;
const CONTEXT = 7;
const NAME_LEN = 8;
const NONE = 0x7fffffff;
const FRACTION_F64 = 5; // bytes 40..47
const NAME_AT = 64;
const NAME_MAX = 120;
const SIZE = NAME_AT + NAME_MAX;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function control_buffer(): SharedArrayBuffer {
  const b = new SharedArrayBuffer(SIZE);
  const w = new Int32Array(b);
  w[LAST_NEEDED] = NONE;
  w[FAILED_CHUNK] = NONE;
  w[CONTEXT] = NONE;
  new Float64Array(b)[FRACTION_F64] = Number.NaN;
  return b;
}

export class ControlBlock implements Heartbeat {
  private readonly w: Int32Array;
  private readonly f: Float64Array;
  private readonly name: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.w = new Int32Array(buffer);
    this.f = new Float64Array(buffer);
    this.name = new Uint8Array(buffer, NAME_AT, NAME_MAX);
  }

  /* ---- the worker's side ---- */

  /** Before every step: what runs it, and that something moves. */
  beat(m: Machine): void {
    const w = this.w;
    w[STEPS] = m.steps;
    w[BEATS] = ((w[BEATS] as number) + 1) | 0;
    const id = m.contextId();
    if (id !== w[CONTEXT]) {
      w[CONTEXT] = id;
      this.setName(m.contextName());
    }
  }

  /** Progress that is not a step (loading, shrinking between runs). */
  alive(what: string): void {
    const w = this.w;
    w[BEATS] = ((w[BEATS] as number) + 1) | 0;
    w[CONTEXT] = NONE;
    w[STEPS] = 0;
    this.setName(what);
  }

  progress(executions: number, pruned: number, fraction: number | undefined): void {
    this.w[EXECUTIONS] = executions;
    this.w[PRUNED] = pruned;
    this.f[FRACTION_F64] = fraction ?? Number.NaN;
  }

  /** This slice found a failure in that chunk: no later chunk is needed. */
  failed(chunk: number): void {
    if (chunk < (this.w[FAILED_CHUNK] as number)) this.w[FAILED_CHUNK] = chunk;
  }

  stopped(): boolean {
    return this.w[STOP] !== 0;
  }

  lastNeeded(): number {
    const n = this.w[LAST_NEEDED] as number;
    return n === NONE ? Number.POSITIVE_INFINITY : n;
  }

  /* ---- the watcher's side ---- */

  stop(): void {
    this.w[STOP] = 1;
  }

  need(lastChunk: number): void {
    if (lastChunk < (this.w[LAST_NEEDED] as number)) this.w[LAST_NEEDED] = lastChunk;
  }

  failedChunk(): number | undefined {
    const n = this.w[FAILED_CHUNK] as number;
    return n === NONE ? undefined : n;
  }

  beats(): number {
    return this.w[BEATS] as number;
  }

  executions(): number {
    return this.w[EXECUTIONS] as number;
  }

  pruned(): number {
    return this.w[PRUNED] as number;
  }

  fraction(): number | undefined {
    const x = this.f[FRACTION_F64] as number;
    return Number.isNaN(x) ? undefined : x;
  }

  /** What the worker was doing at its last beat: a context and the step it was about to take. */
  where(): { readonly context: string; readonly step: number } {
    const n = this.w[NAME_LEN] as number;
    return { context: decoder.decode(this.name.slice(0, n)), step: (this.w[STEPS] as number) + 1 };
  }

  private setName(text: string): void {
    const r = encoder.encodeInto(text, this.name);
    this.w[NAME_LEN] = r.written;
  }
}
