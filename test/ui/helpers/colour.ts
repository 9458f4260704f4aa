// Colour in tests: chalk (which Ink colours with) picks its level from the process's stdout when first loaded,
// and under vitest that is no colour at all, so a theme with colour on would still draw plain text. Tests that
// check what colour looks like raise the level for their own duration.

import chalk from 'chalk';
import { afterAll, beforeAll } from 'vitest';

/** Call at the top of a describe block (or file): chalk draws 256-colour SGR until the block ends. */
export function useChalkColour(): void {
  let before = chalk.level;
  beforeAll(() => {
    before = chalk.level;
    chalk.level = 2;
  });
  afterAll(() => {
    chalk.level = before;
  });
}
