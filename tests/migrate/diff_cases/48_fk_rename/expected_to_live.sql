-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- RenameForeignKey
ALTER TABLE "public"."Post" RENAME CONSTRAINT "Post_authorId_fkey" TO "post_author_fk";

