// A scripted TCP server on 127.0.0.1 for control-port and SOCKS unit tests (a test double for tor).

import { createServer, type Server, type Socket } from 'node:net';

export interface FakeServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Each accepted connection is handed to `onConn`. */
export async function fakeServer(onConn: (s: Socket) => void): Promise<FakeServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Calls `onLine` for each CRLF-terminated line the client sends. */
export function lines(s: Socket, onLine: (line: string) => void): void {
  let buf = '';
  s.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const l = buf.slice(0, i);
      buf = buf.slice(i + 2);
      onLine(l);
    }
  });
}
