import { Injectable } from '@nestjs/common';

/** Whether this pod is shutting down; readiness turns 503 at once so the balancer stops sending traffic. */
@Injectable()
export class DrainState {
  draining = false;
}
