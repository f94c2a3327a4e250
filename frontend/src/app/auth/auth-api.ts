import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AuthResponse, ChangePasswordRequest, LoginRequest, RegisterRequest, UpdateProfileRequest, User } from '@chat/contracts';
import { firstValueFrom } from 'rxjs';

@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  login(body: LoginRequest): Promise<AuthResponse> {
    return firstValueFrom(this.http.post<AuthResponse>('/api/auth/login', body));
  }

  register(body: RegisterRequest): Promise<AuthResponse> {
    return firstValueFrom(this.http.post<AuthResponse>('/api/auth/register', body));
  }

  me(): Promise<User> {
    return firstValueFrom(this.http.get<User>('/api/me'));
  }

  /** Revokes this session's token on the server (with `all`, every session of the user). */
  async logout(all = false): Promise<void> {
    await firstValueFrom(this.http.post<void>('/api/auth/logout', all ? { all } : {}));
  }

  updateProfile(body: UpdateProfileRequest): Promise<User> {
    return firstValueFrom(this.http.patch<User>('/api/me', body));
  }

  /** Other sessions are logged out; this one stays. */
  async changePassword(body: ChangePasswordRequest): Promise<void> {
    await firstValueFrom(this.http.post<void>('/api/me/password', body));
  }
}
