// Configuration model (placeholder until the configuration work lands).
