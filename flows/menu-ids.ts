import { z } from 'zod';

/**
 * The menus of the call, declared once. flows/call-flow.ts maps each to its machine (the type
 * checker refuses a table that misses one), and the session envelope stores only these ids.
 */
export const menuIdSchema = z.enum(['main', 'account', 'transaction', 'techSupport', 'features', 'fraud', 'afterHours']);
export type MenuId = z.infer<typeof menuIdSchema>;
export const MENU_IDS = menuIdSchema.options;
