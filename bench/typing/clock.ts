/** A real-timer clock that runs simulated time `1/scale` times faster (scale 0.5: 1 simulated second = 0.5 s). */
import type { Clock } from '../../src/core/completion/clock';
import { realClock } from '../../src/core/completion/clock';

export function scaledClock(scale: number): Clock {
  return {
    now: () => performance.now() / scale,
    sleep: (ms, signal) => realClock.sleep(ms * scale, signal),
  };
}
