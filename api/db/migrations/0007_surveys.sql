CREATE TABLE "app"."survey_answers" (
	"tenant_id" uuid NOT NULL,
	"response_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"question_id" uuid NOT NULL,
	"team" text,
	"managers" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"value" smallint,
	"choices" smallint[],
	"text" text,
	CONSTRAINT "survey_answers_tenant_id_response_id_question_id_pk" PRIMARY KEY("tenant_id","response_id","question_id")
);
--> statement-breakpoint
ALTER TABLE "app"."survey_answers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."survey_participation" (
	"tenant_id" uuid NOT NULL,
	"survey_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"person_id" uuid NOT NULL,
	CONSTRAINT "survey_participation_tenant_id_survey_id_round_person_id_pk" PRIMARY KEY("tenant_id","survey_id","round","person_id")
);
--> statement-breakpoint
ALTER TABLE "app"."survey_participation" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."survey_responses" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"team" text,
	"managers" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"mixed" boolean DEFAULT false NOT NULL,
	CONSTRAINT "survey_responses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "app"."survey_responses" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "app"."surveys" (
	"tenant_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text,
	"questions" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"recurrence_every" text,
	"recurrence_rounds" integer,
	"anonymity_threshold" integer NOT NULL,
	"comment_threshold" integer NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "surveys_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "app"."surveys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "app"."survey_answers" ADD CONSTRAINT "survey_answers_tenant_id_response_id_survey_responses_tenant_id_id_fk" FOREIGN KEY ("tenant_id","response_id") REFERENCES "app"."survey_responses"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."survey_participation" ADD CONSTRAINT "survey_participation_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "app"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."survey_participation" ADD CONSTRAINT "survey_participation_tenant_id_person_id_people_tenant_id_id_fk" FOREIGN KEY ("tenant_id","person_id") REFERENCES "app"."people"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "app"."survey_responses" ADD CONSTRAINT "survey_responses_tenant_id_survey_id_surveys_tenant_id_id_fk" FOREIGN KEY ("tenant_id","survey_id") REFERENCES "app"."surveys"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_answers_round" ON "app"."survey_answers" USING btree ("tenant_id","survey_id","round","question_id");--> statement-breakpoint
CREATE INDEX "survey_responses_round" ON "app"."survey_responses" USING btree ("tenant_id","survey_id","round");--> statement-breakpoint
CREATE INDEX "survey_responses_unmixed" ON "app"."survey_responses" USING btree ("tenant_id","survey_id","round") WHERE not mixed;--> statement-breakpoint
CREATE POLICY "survey_answers_tenant_isolation" ON "app"."survey_answers" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "survey_participation_tenant_isolation" ON "app"."survey_participation" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "survey_responses_tenant_isolation" ON "app"."survey_responses" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "surveys_tenant_isolation" ON "app"."surveys" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);