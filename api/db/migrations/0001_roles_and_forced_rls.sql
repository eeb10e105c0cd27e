-- The application role: owns nothing, cannot bypass row-level security, cannot log in.
-- Tenant transactions switch to it with set_config('role', 'grove_app', true).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grove_app') THEN
    CREATE ROLE grove_app NOLOGIN NOINHERIT NOBYPASSRLS;
  END IF;
END
$$;
--> statement-breakpoint
GRANT grove_app TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA app TO grove_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA app TO grove_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO grove_app;
--> statement-breakpoint
REVOKE ALL ON SCHEMA platform FROM PUBLIC;
--> statement-breakpoint
-- Owners bypass RLS unless it is forced; drizzle-kit cannot emit FORCE, hence this migration.
ALTER TABLE app.idempotency_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.people FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.person_search_terms FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.company_values FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.praise FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.praise_recipients FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.praise_reactions FORCE ROW LEVEL SECURITY;
