import { defineElement } from '../core/define.js';
import { PraiseComposer } from '../praise/praise-composer.js';

defineElement('grove-praise-composer', PraiseComposer);

declare global {
  interface HTMLElementTagNameMap {
    'grove-praise-composer': PraiseComposer;
  }
}
