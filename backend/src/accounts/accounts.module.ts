import { Module } from '@nestjs/common';
import { RoomsModule } from '../rooms/rooms.module';
import { UsersModule } from '../users/users.module';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';

/** The signed-in user's own account: logout, password, profile. */
@Module({
  imports: [UsersModule, RoomsModule],
  controllers: [AccountsController],
  providers: [AccountsService],
})
export class AccountsModule {}
