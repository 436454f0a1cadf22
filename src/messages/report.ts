import type { Catalogue } from './index.js';

export const reportMessages: Catalogue = {};
