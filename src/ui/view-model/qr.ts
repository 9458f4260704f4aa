// An address or a server bundle as a QR code to scan with a phone, drawn with half-block characters so one
// terminal row holds two rows of modules. The encoding is the qrcode library's (a maintained encoder); this file
// only lays its module matrix out as text. No colours: it reads the same with NO_COLOR and over SSH.

import QRCode from 'qrcode';
import { fingerprintOf } from './identity.js';
import type { UiState } from './state.js';

/** Light modules around the code. The standard asks for 4; 2 is what fits an onion address in 80×24, and phones read it. */
export const QR_MARGIN = 2;

/**
 * The code's rows. Light modules (and the margin) are drawn, dark ones left blank: on a terminal's usual dark
 * background that is dark-on-light, the way scanners expect it.
 */
export function qrLines(text: string, margin = QR_MARGIN): string[] {
  // L: the most data per module; a screen does not get dirty as paper does.
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'L' });
  const n = modules.size;
  const size = n + 2 * margin;
  const light = (y: number, x: number): boolean => {
    const r = y - margin;
    const c = x - margin;
    if (r < 0 || c < 0 || r >= n || c >= n) return y < size && x < size;
    return !modules.get(r, c);
  };
  const out: string[] = [];
  for (let y = 0; y < size; y += 2) {
    let line = '';
    for (let x = 0; x < size; x++) {
      const top = light(y, x);
      const bottom = light(y + 1, x);
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    out.push(line);
  }
  return out;
}

export type QrWhat = 'me' | 'server';

/** What `/me qr` or `/server qr [onion]` shows: a title and the text to encode, or why there is nothing. */
export function qrTarget(view: UiState, what: QrWhat, current: string | undefined, server?: string): { readonly title: string; readonly text: string } | { readonly error: string } {
  if (what === 'me') {
    if (view.profile === undefined) return { error: 'No profile is open.' };
    return { title: `Your address (${view.profile.name}): scan it to /add you`, text: view.profile.onion };
  }
  const open = current === undefined ? undefined : view.conversations.get(current);
  const onion = server ?? (open?.kind === 'group' ? open.server : view.servers.size === 1 ? [...view.servers.keys()][0] : undefined);
  if (onion === undefined) return { error: 'Which server? Open one of its groups, or /server qr ONION.' };
  const s = view.servers.get(onion);
  if (s?.bundle === undefined) return { error: 'That server is not one of yours: /server lists them.' };
  return { title: `Server #${fingerprintOf(onion).short}: its bundle, to /add it`, text: s.bundle };
}
