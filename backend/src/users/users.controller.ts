import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { LIMITS, User } from '@chat/contracts';
import { UserSearchQuery } from '@chat/contracts/validation';
import { CurrentUser } from '../common/route-access';
import { toUser } from './user.mapper';
import { UserRepository } from './user.repository';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UserRepository) {}

  /** Find people to message or add to a room (prefix of username or display name). */
  @Get()
  async search(@CurrentUser() me: User, @Query() query: UserSearchQuery): Promise<User[]> {
    const found = await this.users.search(query.query ?? '', query.limit ?? LIMITS.adminPageDefault, me.id);
    return found.map(toUser);
  }
}
