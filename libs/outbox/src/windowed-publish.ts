/** One row to publish, with the key its order must be kept within (a task, a user). */
export interface PendingPublish<Id> {
  id: Id;
  orderingKey: string | null;
  publish: () => Promise<unknown>;
}

export interface WindowedPublishResult<Id> {
  published: Id[];
  failed: { id: Id; error: unknown }[];
  /** Not attempted because an earlier row of the same key failed: they keep their place for the next batch. */
  held: Id[];
}

/**
 * Publishes rows without waiting for each ack in turn: up to `window` publishes are in
 * flight at once, sent in row order. Rows of one ordering key are chained (a row is sent
 * only once the previous row of its key is acked), so a failed row is never overtaken by a
 * later row of the same key; rows of other keys go on. A row without a key is its own key.
 */
export async function publishWindowed<Id>(rows: PendingPublish<Id>[], window: number): Promise<WindowedPublishResult<Id>> {
  const result: WindowedPublishResult<Id> = { published: [], failed: [], held: [] };
  const tails = new Map<string, Promise<boolean>>();
  const inFlight = new Set<Promise<boolean>>();
  for (const row of rows) {
    const previous = row.orderingKey === null ? undefined : tails.get(row.orderingKey);
    const attempt = async (): Promise<boolean> => {
      if (previous && !(await previous)) {
        result.held.push(row.id);
        return false;
      }
      try {
        await row.publish();
        result.published.push(row.id);
        return true;
      } catch (error) {
        result.failed.push({ id: row.id, error });
        return false;
      }
    };
    const outcome = attempt();
    if (row.orderingKey !== null) tails.set(row.orderingKey, outcome);
    inFlight.add(outcome);
    void outcome.finally(() => inFlight.delete(outcome));
    while (inFlight.size >= window) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return result;
}
