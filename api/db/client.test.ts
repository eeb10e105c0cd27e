import { describe, expect, it } from 'vitest';
import { tenantOpening } from './client.js';

describe('tenantOpening', () => {
  it('writes a UUID into the statement and refuses anything else (the simple protocol has no parameters)', () => {
    expect(tenantOpening('01a2438c-06ec-735c-a1b2-8683425f62d8', { switchRole: false })).toBe("set local app.tenant_id = '01a2438c-06ec-735c-a1b2-8683425f62d8'");
    expect(tenantOpening('01A2438C-06EC-735C-A1B2-8683425F62D8')).toMatch(/^set local role grove_app; set local app.tenant_id = /);
    for (const hostile of ["x'; reset role; select '", '01a2438c-06ec-735c-a1b2-8683425f62d8\'', '01a2438c-06ec-735c-a1b2-8683425f62d8; commit', '']) {
      expect(() => tenantOpening(hostile)).toThrow(/UUID/);
    }
  });
});
