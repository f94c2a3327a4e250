import { InjectionToken } from '@angular/core';

/**
 * How an admin deletes someone else's message: through the admin API, which audits it.
 * The admin layer sits above chat, so the shell provides this instead of chat importing it.
 */
export const MODERATOR_DELETE = new InjectionToken<(messageId: string) => Promise<void>>('MODERATOR_DELETE');
