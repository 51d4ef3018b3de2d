import { prepareTemplate } from './database.js';

/** Runs once per jest run: builds the migrated template every test database is copied from. */
export default async function globalSetup(): Promise<void> {
  await prepareTemplate();
}
