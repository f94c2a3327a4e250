import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Member, MyRoom, Room, User } from '@chat/contracts';
import type { CreateRoomRequest, UpdateRoomRequest } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class RoomsApi {
  private readonly http = inject(HttpClient);

  myRooms(): Promise<MyRoom[]> {
    return firstValueFrom(this.http.get<MyRoom[]>('/api/rooms'));
  }

  room(roomId: string): Promise<MyRoom> {
    return firstValueFrom(this.http.get<MyRoom>(`/api/rooms/${encodeURIComponent(roomId)}`));
  }

  create(body: CreateRoomRequest): Promise<MyRoom> {
    return firstValueFrom(this.http.post<MyRoom>('/api/rooms', body));
  }

  publicRooms(query: string): Promise<Room[]> {
    const params = query ? new HttpParams().set('query', query) : undefined;
    return firstValueFrom(this.http.get<Room[]>('/api/rooms/public', { params }));
  }

  join(roomId: string): Promise<MyRoom> {
    return firstValueFrom(this.http.post<MyRoom>(`/api/rooms/${encodeURIComponent(roomId)}/join`, {}));
  }

  leave(roomId: string): Promise<void> {
    return firstValueFrom(this.http.post<void>(`/api/rooms/${encodeURIComponent(roomId)}/leave`, {}));
  }

  members(roomId: string): Promise<Member[]> {
    return firstValueFrom(this.http.get<Member[]>(`/api/rooms/${encodeURIComponent(roomId)}/members`));
  }

  addMember(roomId: string, userId: string): Promise<Member> {
    return firstValueFrom(this.http.post<Member>(`/api/rooms/${encodeURIComponent(roomId)}/members`, { userId }));
  }

  /** Rename and/or set the topic (owner or admin). */
  update(roomId: string, body: UpdateRoomRequest): Promise<Room> {
    return firstValueFrom(this.http.patch<Room>(`/api/rooms/${encodeURIComponent(roomId)}`, body));
  }

  removeMember(roomId: string, userId: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`/api/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(userId)}`));
  }

  transferOwner(roomId: string, userId: string): Promise<Room> {
    return firstValueFrom(this.http.post<Room>(`/api/rooms/${encodeURIComponent(roomId)}/owner`, { userId }));
  }

  /** `{userId}` for one person, `{userIds}` for a group. */
  openDm(userIds: readonly string[]): Promise<MyRoom> {
    const body = userIds.length === 1 ? { userId: userIds[0] } : { userIds };
    return firstValueFrom(this.http.post<MyRoom>('/api/dms', body));
  }

  searchUsers(query: string, limit = 20): Promise<User[]> {
    const params = new HttpParams().set('query', query).set('limit', limit);
    return firstValueFrom(this.http.get<User[]>('/api/users', { params }));
  }
}
