// Fills the `data-i18n` strings of a static page that has no script of its own (link-invalid.html).

import { localize } from './public/i18n.js';

localize();
