import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loginSchema, newUserSchema, passwordChangeSchema, passwordResetSchema, userUpdateSchema } from '../../contracts/users.ts';
import type { AuthService } from '../../services/auth-service.ts';
import { ALL_ROLES, bearerToken, type RoleGuard } from '../authorize.ts';

const usernameParams = z.object({ username: z.string().max(64) });

export function registerAuthRoutes(fastify: FastifyInstance, deps: { auth: AuthService; allow: RoleGuard; loginsPerMinute?: number }) {
  const { auth, allow, loginsPerMinute = 20 } = deps;
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/api/login',
    {
      schema: { tags: ['auth'], summary: 'Log in; returns a bearer token', body: loginSchema, security: [] },
      config: { rateLimit: { max: loginsPerMinute, timeWindow: '1 minute' } },
    },
    async (request) => auth.login(request.body.username, request.body.password),
  );

  app.post('/api/logout', { schema: { tags: ['auth'], summary: 'End this session' }, onRequest: allow(...ALL_ROLES) }, async (request, reply) => {
    await auth.logout(bearerToken(request)!);
    return reply.code(204).send();
  });

  app.get('/api/me', { schema: { tags: ['auth'], summary: 'Who am I' }, onRequest: allow(...ALL_ROLES) }, async (request) => {
    const s = request.session!;
    return { username: s.username, role: s.role, displayName: (await auth.profile(s.username)).displayName, expiresAt: new Date(s.expiresAt).toISOString() };
  });

  app.get('/api/users/names', { schema: { tags: ['users'], summary: "Everyone's name as shown, for timelines and assignees" }, onRequest: allow(...ALL_ROLES) }, async () => ({
    users: await auth.names(),
  }));

  app.patch(
    '/api/users/:username',
    { schema: { tags: ['users'], summary: "Change a person's shown name or role (a new role ends their sessions)", params: usernameParams, body: userUpdateSchema }, onRequest: allow('admin') },
    async (request) => auth.updateUser(request.session!, request.params.username, request.body),
  );

  app.post(
    '/api/users/:username/password',
    {
      schema: { tags: ['users'], summary: "Set a new password for someone who lost theirs; their sessions end", params: usernameParams, body: passwordResetSchema },
      onRequest: allow('admin'),
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
    },
    async (request) => auth.resetPassword(request.session!, request.params.username, request.body.newPassword),
  );

  app.get('/api/users', { schema: { tags: ['users'], summary: 'List users' }, onRequest: allow('admin') }, async () => ({
    users: await auth.listUsers(),
  }));

  app.post(
    '/api/users',
    { schema: { tags: ['users'], summary: 'Create a user', body: newUserSchema }, onRequest: allow('admin') },
    async (request, reply) => reply.code(201).send(await auth.createUser(request.body)),
  );

  // Anyone signed in changes their own password; their other sessions end.
  app.post(
    '/api/me/password',
    {
      schema: { tags: ['auth'], summary: 'Change my password (the current one first); my other sessions end', body: passwordChangeSchema },
      onRequest: allow(...ALL_ROLES),
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      await auth.changePassword(request.session!, request.body.currentPassword, request.body.newPassword);
      return reply.code(204).send();
    },
  );

  for (const [action, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(
      `/api/users/:username/${action}`,
      { schema: { tags: ['users'], summary: disabled ? 'Disable an account and end its sessions' : 'Enable a disabled account', params: usernameParams }, onRequest: allow('admin') },
      async (request) => auth.setDisabled(request.session!, request.params.username, disabled),
    );
  }
}
