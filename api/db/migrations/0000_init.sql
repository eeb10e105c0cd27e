CREATE SCHEMA "app";
--> statement-breakpoint
CREATE SCHEMA "platform";
--> statement-breakpoint
CREATE TABLE "platform"."api_keys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"hint" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "api_keys_secretHash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "platform"."tenants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"origins" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_key_enc" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	"verify_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "platform"."security_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"tenant_id" uuid,
	"target_tenant_id" uuid,
	"actor" text,
	"request_id" text,
	"ip" "inet",
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."token_revocations" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"jti" text,
	"not_before" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "app"."idempotency_keys" (
	"tenant_id" uuid NOT NULL,
	"principal" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_id_principal_key_pk" PRIMARY KEY("tenant_id","principal","key")
);
--> statement-breakpoint
ALTER TABLE "app"."idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "platform"."idempotency_keys" (
	"principal" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" integer,
	"body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_principal_key_pk" PRIMARY KEY("principal","key")
);
--> statement-breakpoint
CREATE TABLE "app"."people" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"role" text DEFAULT 'employee' NOT NULL,
	"manager_id" uuid,
	"team" text,
	"locale" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "people_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "people_external_id" UNIQUE("tenant_id","external_id")
);
--> statement-breakpoint
ALTER TABLE "app"."people" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."person_search_terms" (
	"tenant_id" uuid NOT NULL,
	"term" text NOT NULL,
	"person_id" uuid NOT NULL,
	CONSTRAINT "person_search_terms_tenant_id_term_person_id_pk" PRIMARY KEY("tenant_id","term","person_id")
);
--> statement-breakpoint
ALTER TABLE "app"."person_search_terms" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."company_values" (
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"description" text,
	"emoji" text,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "company_values_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
--> statement-breakpoint
ALTER TABLE "app"."company_values" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."praise" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"giver_id" uuid NOT NULL,
	"message" text NOT NULL,
	"values" text[] DEFAULT '{}'::text[] NOT NULL,
	"visibility" text DEFAULT 'public' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"deleted_by" uuid,
	CONSTRAINT "praise_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "app"."praise" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."praise_reactions" (
	"tenant_id" uuid NOT NULL,
	"praise_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"reaction" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "praise_reactions_tenant_id_praise_id_person_id_reaction_pk" PRIMARY KEY("tenant_id","praise_id","person_id","reaction")
);
--> statement-breakpoint
ALTER TABLE "app"."praise_reactions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."praise_recipients" (
	"tenant_id" uuid NOT NULL,
	"praise_id" uuid NOT NULL,
	"recipient_id" uuid NOT NULL,
	CONSTRAINT "praise_recipients_tenant_id_praise_id_recipient_id_pk" PRIMARY KEY("tenant_id","praise_id","recipient_id")
);
--> statement-breakpoint
ALTER TABLE "app"."praise_recipients" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "platform"."api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."people" ADD CONSTRAINT "people_tenant_id_manager_id_people_tenant_id_id_fk" FOREIGN KEY ("tenant_id","manager_id") REFERENCES "app"."people"("tenant_id","id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."person_search_terms" ADD CONSTRAINT "person_search_terms_tenant_id_person_id_people_tenant_id_id_fk" FOREIGN KEY ("tenant_id","person_id") REFERENCES "app"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."praise" ADD CONSTRAINT "praise_tenant_id_giver_id_people_tenant_id_id_fk" FOREIGN KEY ("tenant_id","giver_id") REFERENCES "app"."people"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."praise_reactions" ADD CONSTRAINT "praise_reactions_tenant_id_praise_id_praise_tenant_id_id_fk" FOREIGN KEY ("tenant_id","praise_id") REFERENCES "app"."praise"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."praise_reactions" ADD CONSTRAINT "praise_reactions_tenant_id_person_id_people_tenant_id_id_fk" FOREIGN KEY ("tenant_id","person_id") REFERENCES "app"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."praise_recipients" ADD CONSTRAINT "praise_recipients_tenant_id_praise_id_praise_tenant_id_id_fk" FOREIGN KEY ("tenant_id","praise_id") REFERENCES "app"."praise"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."praise_recipients" ADD CONSTRAINT "praise_recipients_tenant_id_recipient_id_people_tenant_id_id_fk" FOREIGN KEY ("tenant_id","recipient_id") REFERENCES "app"."people"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_tenant" ON "platform"."api_keys" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "security_events_tenant_at" ON "platform"."security_events" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "security_events_type" ON "platform"."security_events" USING btree ("type","id");--> statement-breakpoint
CREATE INDEX "people_manager" ON "app"."people" USING btree ("tenant_id","manager_id");--> statement-breakpoint
CREATE INDEX "people_team" ON "app"."people" USING btree ("tenant_id","team");--> statement-breakpoint
CREATE INDEX "person_search_terms_prefix" ON "app"."person_search_terms" USING btree ("tenant_id","term" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "person_search_terms_person" ON "app"."person_search_terms" USING btree ("tenant_id","person_id");--> statement-breakpoint
CREATE INDEX "praise_feed" ON "app"."praise" USING btree ("tenant_id","id" DESC NULLS LAST) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "praise_giver" ON "app"."praise" USING btree ("tenant_id","giver_id","id" DESC NULLS LAST) WHERE deleted_at is null;--> statement-breakpoint
CREATE INDEX "praise_recipients_recipient" ON "app"."praise_recipients" USING btree ("tenant_id","recipient_id","praise_id" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "idempotency_keys_tenant_isolation" ON "app"."idempotency_keys" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "people_tenant_isolation" ON "app"."people" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "person_search_terms_tenant_isolation" ON "app"."person_search_terms" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "company_values_tenant_isolation" ON "app"."company_values" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "praise_tenant_isolation" ON "app"."praise" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "praise_reactions_tenant_isolation" ON "app"."praise_reactions" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "praise_recipients_tenant_isolation" ON "app"."praise_recipients" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);