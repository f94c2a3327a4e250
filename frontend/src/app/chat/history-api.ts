import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { LIMITS, type HistoryPage, type ThreadPage } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class HistoryApi {
  private readonly http = inject(HttpClient);

  /** Newest-first page of messages with seq < before (the newest page without `before`). */
  page(roomId: string, before?: number, limit: number = LIMITS.historyPageDefault): Promise<HistoryPage> {
    let params = new HttpParams().set('limit', limit);
    if (before !== undefined) params = params.set('before', before);
    return firstValueFrom(this.http.get<HistoryPage>(`/api/rooms/${encodeURIComponent(roomId)}/messages`, { params }));
  }

  /** A thread's replies with seq > after, ascending. */
  thread(rootId: string, after = 0, limit: number = LIMITS.historyPageMax): Promise<ThreadPage> {
    const params = new HttpParams().set('after', after).set('limit', limit);
    return firstValueFrom(this.http.get<ThreadPage>(`/api/messages/${encodeURIComponent(rootId)}/thread`, { params }));
  }
}
