import type { Catalogue } from './index.js';

export const drawMessages: Catalogue = {};
