// The site's link to an image source, modelled: transfers from one source share its bandwidth fairly.
import type { Readable } from 'node:stream';

/** One transfer on the link; `leave` ends its share. */
export interface Flow {
  leave(): void;
}

/**
 * `--link-mbps M`: every transfer from one source (an import's URL, the bastion's uploads) gets
 * M Mbit/s divided by the number of transfers from that source at the moment, as TCP streams
 * through one bottleneck roughly do. Without a link nothing is paced (the default: fast tests).
 */
export class Link {
  private readonly groups = new Map<string, Set<object>>();
  constructor(readonly bytesPerSecond: number) {}

  static mbps(mbps: number): Link {
    return new Link((mbps * 1_000_000) / 8);
  }

  private enter(source: string, flow: object): void {
    if (!this.groups.has(source)) this.groups.set(source, new Set());
    this.groups.get(source)!.add(flow);
  }

  private exit(source: string, flow: object): void {
    this.groups.get(source)?.delete(flow);
  }

  /** Bytes per second one transfer from `source` gets now. */
  share(source: string): number {
    return this.bytesPerSecond / Math.max(1, this.groups.get(source)?.size ?? 0);
  }

  /** A transfer the caller advances itself (an import): it asks `share` at each step. */
  open(source: string): Flow {
    const flow = {};
    this.enter(source, flow);
    return { leave: () => this.exit(source, flow) };
  }

  /** A stream read at its share: paused after each chunk for as long as the chunk takes on the link. */
  join(source: string, stream: Readable): Flow {
    const flow = {};
    this.enter(source, flow);
    let left = false;
    stream.on('data', (chunk: Buffer) => {
      if (left) return;
      stream.pause();
      const ms = (chunk.length / this.share(source)) * 1000;
      setTimeout(() => stream.resume(), ms).unref();
    });
    return {
      leave: () => {
        left = true;
        this.exit(source, flow);
      },
    };
  }
}
