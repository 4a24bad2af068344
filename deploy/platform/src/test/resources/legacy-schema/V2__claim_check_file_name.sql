-- ragline schema v2: uploads keep their file name next to their bytes (Tika uses it to detect the format).
ALTER TABLE document_contents ADD COLUMN file_name text;
