// relay_client (placeholder until its work lands).
