-- The application role: owns nothing, cannot bypass row-level security, cannot log in.
-- Tenant transactions switch to it with set_config('role', 'grove_app', true).
-- Roles are shared by every database of a cluster, and several Grove databases (tests, staging)
-- may migrate at once: tolerate the role appearing between the check and the CREATE.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grove_app') THEN
    CREATE ROLE grove_app NOLOGIN NOINHERIT NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  GRANT grove_app TO CURRENT_USER;
EXCEPTION WHEN OTHERS THEN NULL; -- already granted, possibly concurrently ("tuple concurrently updated")
END
$$;
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
