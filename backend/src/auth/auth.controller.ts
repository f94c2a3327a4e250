import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthResponse, User } from '@chat/contracts';
import { LoginRequest, RegisterRequest } from '@chat/contracts/validation';
import { CurrentUser, Public } from '../common/route-access';
import { Actor } from './actor';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('auth/register')
  register(@Body() body: RegisterRequest, @Ip() address: string): Promise<AuthResponse> {
    return this.auth.register(body, address);
  }

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  login(@Body() body: LoginRequest, @Ip() address: string): Promise<AuthResponse> {
    return this.auth.login(body, address);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() actor: Actor): User {
    return actor;
  }
}
