import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AdminRoom, AdminStats, AdminUser, AuditEntry, AuditQuery, CursorPage } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

/** Administration REST routes (role admin; others get 403). */
@Injectable({ providedIn: 'root' })
export class AdminApi {
  private readonly http = inject(HttpClient);

  stats(): Promise<AdminStats> {
    return firstValueFrom(this.http.get<AdminStats>('/api/admin/stats'));
  }

  users(query: string, cursor: string | null, limit = 25): Promise<CursorPage<AdminUser>> {
    let params = new HttpParams().set('limit', limit);
    if (query) params = params.set('query', query);
    if (cursor) params = params.set('cursor', cursor);
    return firstValueFrom(this.http.get<CursorPage<AdminUser>>('/api/admin/users', { params }));
  }

  ban(userId: string, reason: string): Promise<AdminUser> {
    return firstValueFrom(this.http.post<AdminUser>(`/api/admin/users/${encodeURIComponent(userId)}/ban`, { reason }));
  }

  unban(userId: string): Promise<AdminUser> {
    return firstValueFrom(this.http.delete<AdminUser>(`/api/admin/users/${encodeURIComponent(userId)}/ban`));
  }

  rooms(query: string, cursor: string | null, limit = 25): Promise<CursorPage<AdminRoom>> {
    let params = new HttpParams().set('limit', limit);
    if (query) params = params.set('query', query);
    if (cursor) params = params.set('cursor', cursor);
    return firstValueFrom(this.http.get<CursorPage<AdminRoom>>('/api/admin/rooms', { params }));
  }

  archiveRoom(roomId: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`/api/admin/rooms/${encodeURIComponent(roomId)}`));
  }

  /** The audit log, newest first; empty filter fields are left out. */
  audit(filter: Omit<AuditQuery, 'limit' | 'cursor'>, cursor: string | null, limit = 25): Promise<CursorPage<AuditEntry>> {
    let params = new HttpParams().set('limit', limit);
    for (const [key, value] of Object.entries(filter)) if (value) params = params.set(key, value);
    if (cursor) params = params.set('cursor', cursor);
    return firstValueFrom(this.http.get<CursorPage<AuditEntry>>('/api/admin/audit', { params }));
  }

  deleteMessage(messageId: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`/api/admin/messages/${encodeURIComponent(messageId)}`));
  }
}
