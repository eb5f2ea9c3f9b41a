/** One reading of the account credit: the last one of its UTC day. */
export interface CreditReading {
  /** YYYY-MM-DD (UTC). */
  day: string;
  /** PurelyMail's decimal string. */
  credit: string;
  at: string;
}

export interface CreditHistoryStore {
  /** Keeps `reading` as its day's reading (a later one the same day replaces it); removed by TTL after `expiresAt` (epoch s). */
  put(reading: CreditReading, expiresAt: number): Promise<void>;
  /** The readings from `fromDay` on, oldest first. */
  since(fromDay: string): Promise<CreditReading[]>;
}

/** Whether the admins were told the forecast dropped below the setting, so each crossing is mailed once. */
export interface ForecastAlertStore {
  get(): Promise<{ below: boolean; version: number } | undefined>;
  /** Conditional write on `version` (0 = no item yet); false when another check got there first. */
  set(below: boolean, expectedVersion: number): Promise<boolean>;
}
