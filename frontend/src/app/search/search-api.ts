import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { MessageSearchQuery, SearchPage } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class SearchApi {
  private readonly http = inject(HttpClient);

  /** `GET /api/search`: newest first; pass a page's `nextCursor` as `before` for the next one. */
  search(query: MessageSearchQuery): Promise<SearchPage> {
    let params = new HttpParams().set('q', query.q);
    if (query.roomId) params = params.set('roomId', query.roomId);
    if (query.before) params = params.set('before', query.before);
    if (query.limit) params = params.set('limit', query.limit);
    return firstValueFrom(this.http.get<SearchPage>('/api/search', { params }));
  }
}
