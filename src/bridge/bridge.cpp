// bridge (placeholder until its work lands).
