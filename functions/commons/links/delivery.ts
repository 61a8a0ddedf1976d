/** How an event came: a redelivery may be the retry of an attempt that wrote but did not announce. */
export interface Delivery {
  readonly redelivered: boolean;
}

export const FIRST_DELIVERY: Delivery = { redelivered: false };
