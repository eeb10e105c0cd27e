-- Audit trails are append-only.
-- 1. grove_app may only INSERT and SELECT the tenant trail (default privileges granted it UPDATE
--    and DELETE on every new app table; TRUNCATE is revoked too, in case it was ever granted).
-- 2. Triggers refuse UPDATE, DELETE and TRUNCATE to everyone, table owner and superusers included,
--    with one exception: DELETE of rows of the one tenant named by the transaction-local setting
--    grove.purge_tenant, which only tenant deletion sets (purgeTenantAuditLog). Setting it as
--    grove_app opens nothing: grove_app holds no DELETE privilege to use it with.
-- The functions live in schema platform, where grove_app has no privilege.
ALTER TABLE app.audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.alert_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON app.audit_log FROM grove_app;
--> statement-breakpoint
CREATE FUNCTION platform.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND TG_ARGV[0] = 'tenant-purge' THEN
    IF OLD.tenant_id::text = current_setting('grove.purge_tenant', true) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % on %.% refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON app.audit_log
  FOR EACH ROW EXECUTE FUNCTION platform.audit_log_append_only('tenant-purge');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON app.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION platform.audit_log_append_only('never');
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON platform.audit_log
  FOR EACH ROW EXECUTE FUNCTION platform.audit_log_append_only('never');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON platform.audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION platform.audit_log_append_only('never');
