CREATE TABLE "platform"."data_migrations" (
	"name" text PRIMARY KEY NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "platform"."key_rotations" (
	"tenant_id" uuid NOT NULL,
	"to_version" integer NOT NULL,
	"table_name" text NOT NULL,
	"column_name" text NOT NULL,
	"last_key" jsonb,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "key_rotations_tenant_id_to_version_table_name_column_name_pk" PRIMARY KEY("tenant_id","to_version","table_name","column_name")
);
--> statement-breakpoint
CREATE TABLE "platform"."tenant_data_keys" (
	"tenant_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"wrapped_key" text,
	"master_key_id" text,
	"uses" bigint DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	"destroyed_at" timestamp with time zone,
	CONSTRAINT "tenant_data_keys_tenant_id_version_pk" PRIMARY KEY("tenant_id","version")
);
--> statement-breakpoint
ALTER TABLE "platform"."signing_keys" ADD COLUMN "master_key_id" text;--> statement-breakpoint
ALTER TABLE "platform"."key_rotations" ADD CONSTRAINT "key_rotations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform"."tenant_data_keys" ADD CONSTRAINT "tenant_data_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "platform"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tenant_data_keys_one_active" ON "platform"."tenant_data_keys" USING btree ("tenant_id") WHERE state = 'active';