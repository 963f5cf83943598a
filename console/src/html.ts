import { h } from 'preact';
import htm from 'htm';

/** JSX-like templates without a compiler step (htm): `html\`<p>${x}</p>\``. */
export const html = htm.bind(h);
