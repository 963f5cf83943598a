/**
 * Progress on stderr: a bar on a terminal, plain lines otherwise (CI, pipes), so
 * logs stay readable and stdout stays free for results.
 */
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  stage(text: string): void;
  tick(done: number, total: number, note: string): void;
  stop(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const tty = Boolean(stream.isTTY) && !process.env.CI;
  if (!tty) {
    let lastPct = -1;
    return {
      stage: (t) => stream.write(`${label}: ${t}\n`),
      tick: (done, total, note) => {
        const p = Math.floor((100 * done) / total);
        // One line per hour for short runs, every 10 % otherwise.
        if (total <= 48 || p >= lastPct + 10 || done === total) {
          lastPct = p;
          stream.write(`${label}: ${done}/${total} hours ${note}\n`);
        }
      },
      stop: () => undefined,
    };
  }
  let bar: SingleBar | undefined;
  return {
    stage: (t) => {
      if (bar) bar.update({ note: t });
      else stream.write(`${label}: ${t}\n`);
    },
    tick: (done, total, note) => {
      if (!bar) {
        bar = new SingleBar({ stream, format: `${label} [{bar}] {value}/{total} hours | {eta_formatted} left | {note}`, hideCursor: true }, Presets.shades_classic);
        bar.start(total, 0, { note });
      }
      bar.update(done, { note });
    },
    stop: () => bar?.stop(),
  };
}
