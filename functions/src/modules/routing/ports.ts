/** Who created a rule through the panel and when: what an instant undo is checked against. */
export interface RuleUndoRecord {
  ruleId: number;
  /** What the rule matches (ruleIdentity): a rule edited or re-created under the same id is not undone by mistake. */
  identity: string;
  createdBy: string;
  createdAt: string;
}

export interface RuleUndoStore {
  /** Remembers a rule the panel created; the record is removed by TTL after `expiresAt` (epoch s). */
  put(record: RuleUndoRecord, expiresAt: number): Promise<void>;
  get(ruleId: number): Promise<RuleUndoRecord | undefined>;
  /** Records created at or after `since` (ISO), for the routing page's undo buttons. */
  createdSince(since: string): Promise<RuleUndoRecord[]>;
  /**
   * Takes the undo of a rule for `by`: one conditional write, so of parallel callers exactly one gets true; false
   * when the record is gone, was taken, belongs to someone else or was created before `since`.
   */
  claim(ruleId: number, by: string, since: string, at: string): Promise<boolean>;
  /** Gives a claimed undo back (PurelyMail failed): it can be tried again. */
  release(ruleId: number): Promise<void>;
  delete(ruleId: number): Promise<void>;
}
