import { accountMenu } from './account-menu';
import { afterHoursMenu } from './after-hours-menu';
import { featuresMenu } from './features-menu';
import { fraudMenu } from './fraud-menu';
import { mainMenu } from './main-menu';
import type { MenuId } from './menu-ids';
import { techSupportMenu } from './tech-support-menu';
import { transactionMenu } from './transaction-menu';

/**
 * The call's flow: which machine runs each menu (ids in menu-ids.ts). A menu ends with an exit
 * (another menu, back, or an agent); the engine keeps the stack of menus the caller came
 * through for `#`.
 */
export const menus = {
  main: mainMenu,
  account: accountMenu,
  transaction: transactionMenu,
  techSupport: techSupportMenu,
  features: featuresMenu,
  fraud: fraudMenu,
  afterHours: afterHoursMenu,
} as const satisfies Record<MenuId, unknown>;

export type MenuMachine = (typeof menus)[MenuId];

export const ENTRY_MENU: MenuId = 'main';

/**
 * Bumped whenever a change to the menus would make stored snapshots meaningless; a call whose
 * snapshot carries another version restarts at the main menu with an apology.
 */
export const FLOW_VERSION = 1;
