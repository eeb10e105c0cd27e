import { defineElement } from '../core/define.js';
import { PraiseWall } from '../praise/praise-wall.js';

defineElement('grove-praise-wall', PraiseWall);

declare global {
  interface HTMLElementTagNameMap {
    'grove-praise-wall': PraiseWall;
  }
}
