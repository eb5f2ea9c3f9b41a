/** What the migrations module tells the rest of the app (subscribers: platform/composition/subscriptions.ts). */
export interface MigrationEvents {
  /**
   * A run reached an end (finishRun), or this process learned that its worker is gone (handleWorkerGone: the
   * worker ends its runs in its own process, which tells no one). May be told more than once for one run.
   */
  RunEnded: { runId: string };
}
