// The worker side of WorkerPostWriter: the same MessageStore transaction, on this thread's own connection.

import { parentPort, workerData } from 'node:worker_threads';
import { MessageStore } from './message-store.js';
import { unpackPosts, type PostWriterReply, type PostWriterRequest, type PostWriterWorkerData } from './post-writer.js';

const data = workerData as PostWriterWorkerData;
const store = new MessageStore(data.path, data.maxMessages);
const port = parentPort!;
port.on('message', (m: PostWriterRequest | 'close') => {
  if (m === 'close') {
    store.close();
    port.close();
    return;
  }
  let results: boolean[] | null;
  try {
    results = store.commitPosts(unpackPosts(m));
  } catch {
    results = null;
  }
  port.postMessage({ id: m.id, results } satisfies PostWriterReply);
});
