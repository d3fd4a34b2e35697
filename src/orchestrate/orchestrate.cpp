// orchestrate (placeholder until its work lands).
