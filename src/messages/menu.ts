import type { Catalogue } from './index.js';

export const menuMessages: Catalogue = {};
