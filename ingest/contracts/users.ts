import { z } from 'zod';

/** Roles, declared once: the API's guards, the lifecycle and the dashboard read them from here. */
export const ROLES = ['admin', 'dispatcher', 'engineer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
/** Everyone who works tickets: all but the read-only viewer. */
export const STAFF_ROLES = ['admin', 'dispatcher', 'engineer'] as const satisfies readonly Role[];
/** Dispatch: hotline tickets, outages, callbacks and closing. */
export const DISPATCH_ROLES = ['admin', 'dispatcher'] as const satisfies readonly Role[];

export const loginSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export const newUserSchema = z
  .object({
    username: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . and -, 1 to 64 characters'),
    password: z.string().min(1).max(1024),
    role: z.enum(ROLES),
    displayName: z.string().max(100).default(''),
  })
  .strict();

/** PATCH /api/users/:username (admin): a person's name as shown, or their role. */
export const userUpdateSchema = z
  .object({ displayName: z.string().trim().max(100).optional(), role: z.enum(ROLES).optional() })
  .strict()
  .refine((u) => u.displayName !== undefined || u.role !== undefined, 'give displayName, role or both');

/** POST /api/users/:username/password (admin): a new password for someone who lost theirs. */
export const passwordResetSchema = z.object({ newPassword: z.string().min(1).max(1024) }).strict();

/** POST /api/me/password. The new password's policy is checked by the service (it needs the username). */
export const passwordChangeSchema = z
  .object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) })
  .strict();

export interface User {
  username: string;
  role: Role;
  displayName: string;
  createdAt: string;
  /** Disabled by an admin: cannot log in, has no session. */
  disabled: boolean;
}

/** Who is who, for every signed-in role: timelines and the header show names, not logins. */
export interface UserName {
  username: string;
  displayName: string;
}

export interface LoginResponse {
  token: string;
  expiresAt: string;
  user: User;
}
