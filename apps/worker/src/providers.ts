/** Providers and OAuth refresh from the configuration: shared with the API, where they live (@gitsync/gitprovider). */
export { createProviders, createTokenRefresher } from '@gitsync/gitprovider';
