/** The shape of `npm run bench -- --out FILE`, for whoever reads the figures. */
export type * from './figures.js';
