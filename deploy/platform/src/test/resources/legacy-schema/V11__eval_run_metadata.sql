-- What a quality run measured: the models and prompt versions that answered, the answer modes, and the index the
-- tenant had (versions, embedding models, chunk count), so a change in the numbers can be traced to a change in parts.
ALTER TABLE eval_runs ADD COLUMN metadata jsonb;
