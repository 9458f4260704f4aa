// Columns and rows of the output, following resizes. A stream without `rows` (a pipe, a test fake
// that omits it) is taken as 24 rows, the VT100 default.

import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

function read(s: NodeJS.WriteStream): TerminalSize {
  return { columns: s.columns || 80, rows: s.rows || 24 };
}

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => read(stdout));
  useEffect(() => {
    const onResize = (): void => setSize(read(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
