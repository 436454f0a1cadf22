import type { Catalogue } from './index.js';

export const importMessages: Catalogue = {};
