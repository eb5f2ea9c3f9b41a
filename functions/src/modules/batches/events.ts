/** What the batches module tells the rest of the app (subscribers: platform/composition/subscriptions.ts). */
export interface BatchEvents {
  /**
   * A batch's round ended: every job's latest run settled and the batch moved open → finished (told once per round,
   * by the process whose conditional write won). Carries the batch's job ids.
   */
  BatchFinished: { batchId: string; round: number; jobIds: string[] };
}
