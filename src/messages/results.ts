import type { Catalogue } from './index.js';

export const resultsMessages: Catalogue = {};
