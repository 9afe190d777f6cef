-- WITHOUT ROWID written by hand: the claim id is the only key, so the table is one b-tree and a
-- keyed write's record costs one row written (a rowid table would add its key's index).
CREATE TABLE `idempotency_applied` (
	`claim_id` text PRIMARY KEY NOT NULL,
	`answer` text
) WITHOUT ROWID;
