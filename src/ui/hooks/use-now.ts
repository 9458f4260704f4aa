// The time, as of the last tick (UI_RELATIVE_TIME_TICK_MS), for relative message times; 0 when not `enabled`, so a
// pane with clock times never redraws for the time alone.

import { useEffect, useState } from 'react';
import { UI_RELATIVE_TIME_TICK_MS } from '../../core/limits.js';

export function useNow(enabled: boolean): number {
  const [now, setNow] = useState(() => (enabled ? Date.now() : 0));
  useEffect(() => {
    if (!enabled) {
      setNow(0);
      return;
    }
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), UI_RELATIVE_TIME_TICK_MS);
    // A ticking timer must not keep a quitting process alive.
    t.unref?.();
    return () => clearInterval(t);
  }, [enabled]);
  return now;
}
