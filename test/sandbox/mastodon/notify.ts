/** Notifications (https://docs.joinmastodon.org/entities/Notification/), pushed on the user stream. */
import type { Ctx } from './context.ts';
import { notificationJson } from './entities.ts';
import type { NotificationType } from './model.ts';

export function notify(ctx: Ctx, type: NotificationType, recipientId: string, fromId: string, statusId: string | null): void {
  const { store } = ctx;
  const recipient = store.accounts.get(recipientId);
  if (!recipient || recipient.domain !== null || recipientId === fromId) return;
  const createdAt = store.clock.now();
  const id = store.ids.next(createdAt);
  const record = { id, type, recipientId, fromId, statusId, createdAt };
  store.notifications.set(id, record);
  recipient.notifications.insert(id);
  ctx.streams.toUser(recipientId, 'notification', () => notificationJson(store, record, recipientId));
}
