import type { Deps, Notification } from '../../ports';

/** Subscribe messages are best effort: a failed send must never undo or fail the action. */
export async function notify(deps: Deps, notification: Notification): Promise<void> {
  if (!notification.touser) return;
  try {
    await deps.notifier.notify(notification);
  } catch {
    // The person simply gets no message; the page shows the state anyway.
  }
}

/** Template values: `thing` fields hold at most 20 characters, `name` fields 10. */
export const clip = (text: string, max: number): string => ([...text].length > max ? `${[...text].slice(0, max - 1).join('')}…` : text);
