// The main screen: contacts left, conversation right, composer and status line at the bottom, and at
// most one modal (help, switcher, paste box) in place of the body. One useInput dispatches every key
// through the pure controller (controller/main-keys.ts).

import { Box, useInput } from 'ink';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { EngineCommand } from '../../core/api/commands.js';
import { UI_ERROR_FADE_MS } from '../../core/limits.js';
import { messageSize } from '../../core/peer/message-size.js';
import { isSlashCommand } from '../commands/slash.js';
import { withComposerText } from '../keys/composer.js';
import { handleMainKey, type KeyEnv } from '../controller/main-keys.js';
import { INITIAL_LOCAL, type LocalState } from '../controller/local-state.js';
import { isDeleteForward, useRawKeys } from '../ink-internals/use-raw-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { useBell } from '../hooks/use-bell.js';
import { useHistory } from '../hooks/use-history.js';
import { uiText, untrustedLine } from '../text.js';
import { fingerprintOf } from '../view-model/identity.js';
import { syncPromptText, verifyCodeText } from '../view-model/format.js';
import { scrolledAnchor } from '../view-model/pane-layout.js';
import type { UiState } from '../view-model/state.js';
import type { LocalEvent } from '../view-model/ui-store.js';
import { Composer, composerHeight } from './Composer.js';
import { ContactList } from './ContactList.js';
import { ConversationPane, paneBodyHeight } from './ConversationPane.js';
import { HelpSheet } from './HelpSheet.js';
import { PasteBox } from './PasteBox.js';
import { QuickSwitcher } from './QuickSwitcher.js';
import { SafeTextView } from './SafeTextView.js';
import { NewProfileView, PasswordView } from './PasswordView.js';
import { QrView } from './QrView.js';
import { SearchView } from './SearchView.js';
import { SettingsView } from './SettingsView.js';
import { ServersView } from './ServersView.js';
import { StatusLine } from './StatusLine.js';

export interface MainViewProps {
  readonly state: UiState;
  readonly onCommand: (c: EngineCommand) => void;
  readonly onLocal: (e: LocalEvent) => void;
  readonly onQuit: () => void;
  /** Ring the terminal bell (the bell setting decides when: use-bell.ts). */
  readonly onBell?: () => void;
}

/** Width of the contact column for a terminal `columns` wide. */
export function listWidth(columns: number): number {
  return Math.max(12, Math.min(32, Math.floor(columns / 3)));
}

export function MainView({ state, onCommand, onLocal, onQuit, onBell }: MainViewProps): ReactNode {
  const { columns, rows: terminalRows } = useTerminalSize();
  // Full height: our frame writer addresses rows absolutely, so the bottom row is as safe as any other.
  const rows = Math.max(1, terminalRows);
  const [local, setLocalState] = useState<LocalState>(INITIAL_LOCAL);
  // Handlers read the latest state from refs: one stdin chunk can hold several keys (docs/ux.md).
  const localRef = useRef(local);
  const stateRef = useRef(state);
  stateRef.current = state;
  const setLocal = useCallback((l: LocalState) => {
    localRef.current = l;
    setLocalState(l);
  }, []);

  // Open the first conversation once there is one, and again when the open one goes (a group left).
  useEffect(() => {
    const sel = localRef.current.selected;
    if (sel !== undefined && state.conversations.has(sel)) return;
    if (state.order.length > 0) setLocal({ ...localRef.current, selected: state.order[0]! });
    else if (sel !== undefined) setLocal({ ...localRef.current, selected: undefined });
  }, [state.order, state.conversations, setLocal]);

  // A command that made or joined a conversation (/group, an invite pasted, /add): open it.
  const opened = state.answer?.open;
  useEffect(() => {
    if (opened !== undefined && stateRef.current.conversations.has(opened)) setLocal({ ...localRef.current, selected: opened });
  }, [opened, setLocal]);

  // The paste box closes once what it sent is added (its answer); a refusal keeps it open, with the text.
  const answered = state.answer;
  useEffect(() => {
    const l = localRef.current;
    if (answered !== undefined && l.modal.kind === 'paste' && l.modal.sent === true) setLocal({ ...l, modal: { kind: 'none' } });
  }, [answered, setLocal]);

  // A refused message comes back to an empty composer (the refusal's reason is on the status line).
  const refused = state.refusedSend;
  useEffect(() => {
    const l = localRef.current;
    if (refused === undefined || l.composer.text.length > 0 || l.selected !== refused.to) return;
    setLocal({ ...l, composer: withComposerText(l.composer, refused.text) });
  }, [refused, setLocal]);

  // An error fades after UI_ERROR_FADE_MS (Esc clears it sooner): an old failure must not sit on the status line.
  const error = state.lastError;
  useEffect(() => {
    if (error === undefined) return;
    const t = setTimeout(() => onLocal({ local: 'clear-error' }), UI_ERROR_FADE_MS);
    return () => clearTimeout(t);
  }, [error, onLocal]);

  const selected = local.selected === undefined ? undefined : state.conversations.get(local.selected);
  useBell(state, local.selected, onBell);
  useHistory(state, localRef, local.selected, setLocal, onLocal);
  useEffect(() => {
    if (selected !== undefined && selected.unread > 0 && local.anchors.get(selected.id) === undefined) onLocal({ local: 'read', id: selected.id });
  }, [selected, local.anchors, onLocal]);

  const verify = state.verifyCode !== undefined && state.verifyCode.onion === selected?.id ? verifyCodeText(state, state.verifyCode.onion, state.verifyCode.code) : null;
  const bannerLines = Math.min(2, state.syncPrompts.length) + (state.invites.length > 0 ? 1 : 0) + (verify !== null ? 2 : 0);
  // The UI's own notice first; else what the last command did.
  const notice = local.notice ?? state.answer?.text;
  // The size of one message: the wire's limit (the counter and the offer to split come from it), not a commands'.
  const text = local.composer.text;
  const size = selected !== undefined && text.length > 0 && !isSlashCommand(text) ? messageSize(selected.kind, text.startsWith('//') ? text.slice(1) : text) : undefined;
  const bodyHeight = Math.max(3, rows - 1 - composerHeight({ composer: local.composer, notice, completions: local.completions, ...(size !== undefined ? { size } : {}) }) - bannerLines);
  const lw = listWidth(columns);
  const paneWidth = Math.max(10, columns - lw - 1);
  const sizeRef = useRef({ bodyHeight, paneWidth });
  sizeRef.current = { bodyHeight, paneWidth };

  const env: KeyEnv = {
    scroll(command, conversation, anchor) {
      const s = stateRef.current;
      const store = s.messages.get(conversation);
      if (store === undefined) return undefined;
      const input = {
        store,
        gaps: s.gaps.get(conversation) ?? [],
        height: paneBodyHeight(s.conversations.get(conversation), sizeRef.current.bodyHeight),
        width: sizeRef.current.paneWidth,
        fingerprintOf,
        showFailReasons: localRef.current.showFailReasons,
        // The same time format the pane draws with, so a page is measured as drawn.
        time: { relative: s.settings.timestamps === 'relative', hour12: s.settings.clock === '12h', now: Date.now() },
      };
      return scrolledAnchor(command, input, anchor);
    },
  };

  const raw = useRawKeys();
  useInput((input, key) => {
    const k = key.delete && isDeleteForward(raw.current) ? { ...key, deleteForward: true } : key;
    const out = handleMainKey(localRef.current, stateRef.current, input, k, env);
    if (out.local !== localRef.current) setLocal(out.local);
    for (const c of out.commands) onCommand(c);
    if (out.read !== undefined) onLocal({ local: 'read', id: out.read });
    for (const e of out.localEvents ?? []) onLocal(e);
    if (out.quit) onQuit();
  });

  const modal = local.modal;
  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Box flexDirection="row" height={bodyHeight}>
        {modal.kind === 'none' ? (
          <>
            <ContactList state={state} selected={local.selected} height={bodyHeight} width={lw} />
            <Box width={1} />
            <ConversationPane
              state={state}
              conversation={selected}
              anchor={selected === undefined ? undefined : local.anchors.get(selected.id)}
              height={bodyHeight}
              width={paneWidth}
              showFailReasons={local.showFailReasons}
              fingerprintOf={fingerprintOf}
            />
          </>
        ) : modal.kind === 'help' ? (
          <HelpSheet topic={modal.topic} keys={state.settings.keys} offset={modal.offset ?? 0} height={bodyHeight} width={columns} />
        ) : modal.kind === 'servers' ? (
          <ServersView state={state} index={modal.index} />
        ) : modal.kind === 'switcher' ? (
          <QuickSwitcher state={state} query={modal.query} index={modal.index} height={bodyHeight} />
        ) : modal.kind === 'password' ? (
          <PasswordView field={modal.field} old={modal.old} new={modal.new} again={modal.again} {...(modal.mismatch === true ? { mismatch: true } : {})} />
        ) : modal.kind === 'search' ? (
          <SearchView state={state} index={modal.index} height={bodyHeight} />
        ) : modal.kind === 'new-profile' ? (
          <NewProfileView field={modal.field} name={modal.name} new={modal.new} again={modal.again} {...(modal.mismatch === true ? { mismatch: true } : {})} />
        ) : modal.kind === 'settings' ? (
          <SettingsView settings={state.settings} />
        ) : modal.kind === 'qr' ? (
          <QrView title={modal.title} lines={modal.lines} height={bodyHeight} width={columns} />
        ) : (
          <PasteBox text={modal.text} state={state} {...(modal.sent === true ? { sent: true } : {})} />
        )}
      </Box>
      {verify !== null ? (
        <>
          <SafeTextView text={untrustedLine(verify[0])} color="green" bold wrap="truncate" />
          <SafeTextView text={untrustedLine(verify[1])} dim wrap="truncate" />
        </>
      ) : null}
      {state.syncPrompts.slice(0, 2).map((p) => (
        <SafeTextView
          key={p.server}
          text={uiText(syncPromptText(p))}
          color="yellow"
          wrap="truncate"
        />
      ))}
      {state.invites.length > 0 ? (
        <SafeTextView text={uiText(`Group invite from `)} color="cyan" wrap="truncate">
          <SafeTextView text={state.invites[0]!.fromName} bold />
          <SafeTextView text={uiText(' to “')} />
          <SafeTextView text={state.invites[0]!.groupName} bold />
          <SafeTextView text={uiText(`”${state.invites.length > 1 ? ` (+${state.invites.length - 1} more)` : ''} — Alt+I to review`)} />
        </SafeTextView>
      ) : null}
      <Composer
        composer={local.composer}
        notice={notice}
        {...(size !== undefined ? { size } : {})}
        completions={local.completions}
        placeholder={uiText(selected?.authorization === 'unknown' ? 'a accept · b block · i ignore' : 'Type a message · / for commands · ? for help')}
        width={columns}
      />
      <StatusLine state={state} />
    </Box>
  );
}
