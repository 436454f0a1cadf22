import type { Catalogue } from './index.js';

export const rulesMessages: Catalogue = {};
