export { TokenAccounts, type WindowedAccount } from './accounts.js';
export { FakeHttp } from './fake-http.js';
export type { Hold, HeldRequest } from './holds.js';
