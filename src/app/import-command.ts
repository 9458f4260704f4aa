// `cwtch-tui import FILE`: an exported profile into this home's profiles folder, from the shell. The files stay as
// encrypted as they were exported; the profile opens at the next unlock with its own password.

import { nodeRandom } from './platform/node-platform.js';
import { CwtchError } from '../core/errors.js';
import { importProfile } from '../profile/archive.js';
import { resolveHome } from '../profile/paths.js';

/** Exit status 0 when imported, 1 when not (the reason on stderr). */
export async function importCommand(file: string, homeFlag: string | undefined): Promise<number> {
  try {
    await importProfile(resolveHome(homeFlag), file, nodeRandom);
    process.stdout.write('Imported. Start cwtch-tui and unlock it with its password.\n');
    return 0;
  } catch (e) {
    process.stderr.write(`cwtch-tui: could not import: ${e instanceof CwtchError ? e.message : 'the file could not be read'}\n`);
    return 1;
  }
}
