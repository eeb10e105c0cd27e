-- Owners bypass RLS unless it is forced; drizzle-kit cannot emit FORCE.
ALTER TABLE app.surveys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.survey_participation FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.survey_responses FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE app.survey_answers FORCE ROW LEVEL SECURITY;
