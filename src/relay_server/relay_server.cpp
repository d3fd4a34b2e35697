// relay_server (placeholder until its work lands).
