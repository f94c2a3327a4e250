import { Body, Controller, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { User } from '@chat/contracts';
import { ChangePasswordRequest, LogoutRequest, UpdateProfileRequest } from '@chat/contracts/validation';
import type { AuthSession } from '../auth/auth-session';
import { CurrentSession } from '../common/route-access';
import { AccountsService } from './accounts.service';

@ApiTags('auth')
@ApiBearerAuth()
@Controller()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  /** Revokes the token of this call (`{all: true}`: every token of the user); their sockets get session:closed. */
  @Post('auth/logout')
  @HttpCode(204)
  logout(@CurrentSession() session: AuthSession, @Body() body: LogoutRequest): Promise<void> {
    return this.accounts.logout(session, body.all === true);
  }

  @Patch('me')
  updateProfile(@CurrentSession() session: AuthSession, @Body() body: UpdateProfileRequest): Promise<User> {
    return this.accounts.updateProfile(session, body.displayName);
  }

  /** Revokes every other token of the user; the calling token stays valid. */
  @Post('me/password')
  @HttpCode(204)
  changePassword(@CurrentSession() session: AuthSession, @Body() body: ChangePasswordRequest): Promise<void> {
    return this.accounts.changePassword(session, body.currentPassword, body.newPassword);
  }
}
