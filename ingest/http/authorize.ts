/** Bearer-token authentication and role checks for routes: deny unless a role is listed. */
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ROLES, type Role } from '../contracts/users.ts';
import type { Session } from '../ports/user-store.ts';
import type { AuthService } from '../services/auth-service.ts';
import { AppError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    session?: Session;
  }
}

export const ALL_ROLES: readonly Role[] = ROLES;

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

export function createRoleGuard(auth: Pick<AuthService, 'verify'>) {
  // Used as a route's onRequest hook: the role is checked before a byte of the body is read.
  return function allow(...roles: Role[]): onRequestHookHandler {
    return async (request: FastifyRequest, _reply: FastifyReply) => {
      const token = bearerToken(request);
      const session = token ? await auth.verify(token) : undefined;
      if (!session) throw new AppError('HW_UNAUTHENTICATED');
      if (!roles.includes(session.role)) {
        throw new AppError('HW_FORBIDDEN', `role ${session.role} may not do this; needs ${roles.join(' or ')}`);
      }
      request.session = session;
    };
  };
}

export type RoleGuard = ReturnType<typeof createRoleGuard>;
