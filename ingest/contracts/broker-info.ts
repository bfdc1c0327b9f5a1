/** `GET /api/broker`: where devices connect, so a simulator pointed at a HeatWatch needs no `--mqtt`. */
export type BrokerInfo =
  | { mode: 'embedded'; port: number; wsPath: string }
  /** The external broker's address without its credentials. */
  | { mode: 'external'; url: string };
