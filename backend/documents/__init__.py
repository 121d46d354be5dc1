"""Files attached to a case (photos of a home visit): kept on disk, never in the database."""
